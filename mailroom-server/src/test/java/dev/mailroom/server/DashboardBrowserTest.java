package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.server.config.ConfigLoader;
import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.testkit.kafka.KafkaBroker;
import dev.mailroom.testkit.kafka.WithKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's), against the real server started in this
 * JVM on PostgreSQL and an in-process Kafka broker: an operator logs in, reads the overview,
 * searches, opens a row, replays and discards dead letters, skips and retries held keys, resolves a
 * ledger item, reads the audit log; writes without the CSRF token, and writes on a read-only
 * server, are refused; stored markup shows as text. Each page's screenshot is written to
 * {@code target/dashboard-screenshots} (or {@code -Dmailroom.dashboard.screenshots=../docs/dashboard}).
 */
@WithPostgres
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    static final String TOKEN = "dashboard-token-0123456789abcdef0123456789abcdef";
    static final String OPERATOR = "Ada Lovelace";
    static final String TOPIC = "dash.orders";
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path folder;
    static TestDatabase db;
    static KafkaBroker broker;
    static MailroomServer server;
    static MailroomServer readOnly;
    static OutboxRows sql;
    static ChromeDriver browser;
    static String base;

    @BeforeAll
    static void start(TestDatabase database, KafkaBroker kafka) throws IOException {
        db = database;
        sql = new OutboxRows(database);
        broker = kafka;
        server = MailroomServer.start(ConfigLoader.load(config("writable.yaml", true, true,
                "dashboard: {enabled: true}"), Map.of()));
        readOnly = MailroomServer.start(ConfigLoader.load(config("read-only.yaml", false, false,
                "dashboard: {enabled: true, port: 0}"), Map.of()));
        base = server.dashboardUri().orElseThrow().toString().replaceAll("/dashboard/$", "");
        browser = HeadlessChromium.start(Files.createDirectories(folder.resolve("chromium-profile")));
    }

    private static Path config(String name, boolean writable, boolean relays, String dashboard) throws IOException {
        Path file = folder.resolve(name);
        Files.writeString(file, """
                database: {url: "%s", user: "%s", password: "%s", migrate: %s}
                kafka: {bootstrap-servers: "%s", create-missing-topics: true, producer: {linger.ms: 1}}
                services:
                  orders:
                    table: orders_outbox
                    topic: %s
                    events:
                      order.placed: {}
                      order.paid: {poison-policy: HOLD_KEY}
                    relay: {enabled: %s, fallback-poll: 1s, reap-interval: 1s}
                  billing:
                    table: billing_outbox
                    topic: dash.billing
                    events:
                      invoice.sent: {}
                    relay: {enabled: false}
                inboxes:
                  notifications: {table: notifications_inbox}
                ledger: {enabled: true}
                admin: {port: 0, token: "%s", writes-enabled: %s}
                %s
                """.formatted(db.jdbcUrl(), db.user(), db.password(), writable, broker.bootstrapServers(), TOPIC,
                relays, TOKEN, writable, dashboard));
        return file;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (readOnly != null) {
            readOnly.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void anOperatorLogsInWithTheTokenAndTheirNameAndGetsAStrictHttpOnlyCookie() {
        browser.get(base + "/dashboard/audit");
        assertThat(browser.getCurrentUrl()).as("a page without a session leads to the login").endsWith("/dashboard/login");
        HeadlessChromium.screenshot(browser, "login");

        logIn(base, "wrong-" + TOKEN, OPERATOR);
        assertThat(text("p.notice.error")).isEqualTo("That is not the admin token.");
        assertThat(browser.manage().getCookieNamed("mailroom_session")).isNull();

        logIn(base, TOKEN, OPERATOR);
        assertThat(text("h1")).isEqualTo("Overview");
        assertThat(text("header .operator")).isEqualTo(OPERATOR);
        Cookie cookie = browser.manage().getCookieNamed("mailroom_session");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/dashboard");
        assertThat(cookie.isSecure()).as("served over plain HTTP here").isFalse();
        assertThat((Object) browser.executeScript("return document.cookie")).as("not readable by script").isEqualTo("");
    }

    @Test
    @Order(2)
    void theOverviewCountsMatchTheDatabaseAndRefreshByThemselves() throws SQLException {
        sql.insert("billing_outbox", "invoice.sent", "inv-", 3, "pending", null);
        sql.insert("billing_outbox", "invoice.sent", "inv-pub-", 2, "published", null);
        sql.insert("billing_outbox", "invoice.sent", "inv-dead-", 4, "dead", "smtp refused");
        sql.insert("billing_outbox", "invoice.sent", "inv-gone-", 1, "discarded", "duplicate");
        List<String> orders = sql.insert("orders_outbox", "order.placed", "flow-", 300, "pending", null);
        browser.get(base + "/dashboard/");
        Map<String, Long> expected = sql.countsByState("billing_outbox");
        assertThat(expected).containsEntry("pending", 3L).containsEntry("dead", 4L);
        for (String state : List.of("pending", "sending", "published", "consumed", "dead", "discarded")) {
            assertThat(count("outbox:billing", state)).as(state).isEqualTo(expected.getOrDefault(state, 0L));
        }
        assertThat(text("section[data-box='outbox:billing'] dd[data-fact=dead]")).isEqualTo("4");
        assertThat(text("section[data-box='outbox:billing'] dd[data-fact=oldest]")).isNotEqualTo("none");

        String url = browser.getCurrentUrl();
        sql.insert("billing_outbox", "invoice.sent", "inv-late-", 2, "pending", null);
        waitUntil(driver -> count("outbox:billing", "pending") == 5);
        assertThat(browser.getCurrentUrl()).isEqualTo(url);
        assertThat(browser.findElement(By.id("overview")).getAttribute("data-refreshed")).as("reloaded by the script")
                .isNotBlank();

        awaitDelivered(orders);
        waitUntil(driver -> browser.findElements(By.cssSelector("section[data-box='outbox:orders'] figure.chart rect"))
                .stream().anyMatch(bar -> Double.parseDouble(bar.getAttribute("height")) > 0));
        assertThat(text("section[data-box='outbox:orders'] table.relays")).contains("alive");
        assertThat(count("outbox:orders", "published")).isGreaterThanOrEqualTo(300);
        HeadlessChromium.screenshot(browser, "overview");
    }

    @Test
    @Order(3)
    void aSearchByKeyFindsTheRowAndItsPageShowsThePayloadPrettyPrinted() throws SQLException {
        long id = sql.insertOne("orders_outbox", "order.placed", "search-42", "{\"orderId\":\"search-42\",\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}",
                "dead", "broker said: NOT_ENOUGH_REPLICAS", "{\"x-origin\":\"checkout\"}");
        browser.get(base + "/dashboard/services/orders/messages");
        WebElement key = browser.findElement(By.name("key"));
        key.sendKeys("search-42");
        clickAndLoad(By.cssSelector("form.search button"));
        List<WebElement> rows = browser.findElements(By.cssSelector("table.rows tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("search-42").contains("dead").contains("NOT_ENOUGH_REPLICAS");
        HeadlessChromium.screenshot(browser, "messages");

        clickAndLoad(rows.get(0).findElement(By.linkText(String.valueOf(id))));
        assertThat(text("h2")).startsWith("Message " + id);
        assertThat(text("pre.payload.json")).isEqualTo("""
                {
                  "orderId" : "search-42",
                  "items" : [ {
                    "sku" : "A-1",
                    "qty" : 2
                  } ]
                }""");
        assertThat(text("table.headers")).contains("x-origin").contains("checkout");
        assertThat(text("pre.error")).isEqualTo("broker said: NOT_ENOUGH_REPLICAS");
        assertThat(text("dl.fields")).contains("20 of 20").contains("search-42");
        HeadlessChromium.screenshot(browser, "message");
    }

    @Test
    @Order(4)
    void storedMarkupInAPayloadAnErrorAndAKeyIsShownAsText() throws SQLException {
        String script = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">";
        long id = sql.insertOne("orders_outbox", "order.placed", "<b id=xss-key>k</b>", script, "dead",
                "<script>alert('xss')</script>", "{}");
        browser.get(base + "/dashboard/services/orders/messages/" + id);
        assertThat(text("pre.payload")).isEqualTo(script);
        assertThat(text("pre.error")).isEqualTo("<script>alert('xss')</script>");
        assertThat(text("dl.fields")).contains("<b id=xss-key>k</b>");
        assertThat(browser.findElements(By.id("xss-key"))).as("no element made from stored text").isEmpty();
        assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
        assertThat(browser.getTitle()).doesNotContain("pwned");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        browser.get(base + "/dashboard/services/orders/dead?key=" + java.net.URLEncoder.encode("<b id=xss-key>k</b>",
                StandardCharsets.UTF_8));
        assertThat(text("table.rows tbody")).contains("<b id=xss-key>k</b>").contains("<script>alert('xss')</script>");
        assertThat(browser.findElements(By.id("xss-key"))).isEmpty();
    }

    @Test
    @Order(5)
    void aDeadRowReplayedFromItsPageIsDeliveredToTheTopic() throws SQLException {
        long id = sql.insertOne("orders_outbox", "order.placed", "replay-me", "{\"orderId\":\"replay-me\"}", "dead",
                "broker down", "{}");
        String eventId = sql.eventId("orders_outbox", id);
        browser.get(base + "/dashboard/services/orders/messages/" + id);
        clickAndLoad(By.xpath("//button[normalize-space()='Replay…']"));
        assertThat(text("section.confirm h2")).isEqualTo("Replay 1 row?");
        assertThat(text("b[data-fact=preview-rows]")).isEqualTo("1");
        browser.findElement(By.name("reason")).sendKeys("broker fixed, INC-42");
        clickAndLoad(By.xpath("//button[normalize-space()='Replay 1 row']"));
        assertThat(text("p.notice.ok")).startsWith("Done: replay of 1 row by " + OPERATOR).endsWith("broker fixed, INC-42");

        awaitDelivered(List.of(eventId));
        browser.get(base + "/dashboard/services/orders/messages/" + id);
        waitUntil(driver -> {
            driver.navigate().refresh();
            return text("h2 .state").equals("published");
        });
        assertThat(sql.audit("replay", "{\"ids\":[" + id + "]}")).containsEntry("actor", OPERATOR)
                .containsEntry("reason", "broker fixed, INC-42").containsEntry("rows", "1");
    }

    @Test
    @Order(6)
    void bulkReplayPreviewsTheCountOfTheFilterAndAskedForConfirmation() throws SQLException {
        List<String> timeouts = sql.insert("orders_outbox", "order.placed", "bulk-", 7, "dead", "gateway timeout after 30s");
        sql.insert("orders_outbox", "order.placed", "other-", 3, "dead", "schema rejected");
        browser.get(base + "/dashboard/services/orders/dead");
        WebElement error = browser.findElement(By.name("error"));
        error.sendKeys("GATEWAY");
        clickAndLoad(By.cssSelector("form.search button"));
        long matching = sql.scalar("SELECT COUNT(*) FROM orders_outbox WHERE status = 'dead' AND last_error ILIKE '%gateway%'");
        assertThat(matching).isEqualTo(7);
        assertThat(text("b[data-fact=matching]")).isEqualTo("7");
        assertThat(browser.findElements(By.cssSelector("table.rows tbody tr"))).hasSize(7);
        HeadlessChromium.screenshot(browser, "dead-letters");

        clickAndLoad(By.xpath("//button[normalize-space()='Replay all 7 matching…']"));
        assertThat(text("section.confirm h2")).isEqualTo("Replay 7 rows?");
        assertThat(text("code[data-fact=filter]")).isEqualTo("state=dead error=GATEWAY");
        assertThat(text("b[data-fact=preview-rows]")).isEqualTo(String.valueOf(matching));
        assertThat(sql.scalar("SELECT COUNT(*) FROM orders_outbox WHERE status = 'dead' AND last_error ILIKE '%gateway%'"))
                .as("the preview changed nothing").isEqualTo(7);
        browser.findElement(By.name("reason")).sendKeys("gateway back");
        HeadlessChromium.screenshot(browser, "bulk-replay-confirm");
        clickAndLoad(By.xpath("//button[normalize-space()='Replay 7 rows']"));
        assertThat(text("p.notice.ok")).startsWith("Done: replay of 7 rows by " + OPERATOR);
        awaitDelivered(timeouts);

        browser.get(base + "/dashboard/services/orders/dead?error=schema");
        List<WebElement> boxes = browser.findElements(By.cssSelector("input[name=id]"));
        assertThat(boxes).hasSize(3);
        boxes.get(0).click();
        boxes.get(1).click();
        clickAndLoad(By.xpath("//button[normalize-space()='Discard selected…']"));
        assertThat(text("b[data-fact=preview-rows]")).isEqualTo("2");
        browser.findElement(By.name("reason")).sendKeys("test orders");
        clickAndLoad(By.xpath("//button[normalize-space()='Discard 2 rows']"));
        assertThat(text("p.notice.ok")).startsWith("Done: discard of 2 rows by " + OPERATOR);
        assertThat(sql.countsOf("SELECT status, COUNT(*) FROM orders_outbox WHERE event_key LIKE 'other-%' GROUP BY status"))
                .isEqualTo(Map.of("discarded", 2L, "dead", 1L));
    }

    @Test
    @Order(7)
    void heldKeysAreSkippedOrRetriedAndTheirKeysFlowInOrder() throws SQLException {
        long skipped = sql.insertOne("orders_outbox", "order.paid", "held-1", "{}", "dead", "card declined", "{}");
        long retried = sql.insertOne("orders_outbox", "order.paid", "held-2", "{}", "dead", "processor down", "{}");
        sql.execute("UPDATE orders_outbox SET holds_key = TRUE WHERE id IN (" + skipped + ", " + retried + ")");
        List<String> afterSkipped = sql.insert("orders_outbox", "order.placed", "held-1", 2, "pending", null, true);
        List<String> afterRetried = sql.insert("orders_outbox", "order.placed", "held-2", 2, "pending", null, true);
        browser.get(base + "/dashboard/services/orders/held-keys");
        waitUntil(driver -> {
            driver.navigate().refresh();
            return text("table.rows tbody").contains("held-1") && text("table.rows tbody").contains("held-2");
        });
        assertThat(text("table.rows tbody")).contains("card declined").contains("processor down");
        HeadlessChromium.screenshot(browser, "held-keys");
        assertThat(TopicRecords.read(broker, TOPIC).stream().map(TopicRecords.Delivered::eventId))
                .doesNotContainAnyElementsOf(afterSkipped);

        clickAndLoad(heldKeyRow("held-1").findElement(By.xpath(".//button[normalize-space()='Skip…']")));
        assertThat(text("b[data-fact=preview-rows]")).isEqualTo("1");
        browser.findElement(By.name("reason")).sendKeys("card voided");
        clickAndLoad(By.xpath("//button[normalize-space()='Skip 1 row']"));
        assertThat(text("p.notice.ok")).startsWith("Done: skip of 1 row by " + OPERATOR);
        awaitDelivered(afterSkipped);
        assertThat(sql.state("orders_outbox", skipped)).isEqualTo("dead");

        clickAndLoad(heldKeyRow("held-2").findElement(By.xpath(".//button[normalize-space()='Retry…']")));
        browser.findElement(By.name("reason")).sendKeys("processor back");
        clickAndLoad(By.xpath("//button[normalize-space()='Retry 1 row']"));
        assertThat(text("p.notice.ok")).startsWith("Done: replay of 1 row by " + OPERATOR);
        List<String> all = new ArrayList<>(List.of(sql.eventId("orders_outbox", retried)));
        all.addAll(afterRetried);
        awaitDelivered(all);
        assertThat(TopicRecords.read(broker, TOPIC).stream().filter(record -> "held-2".equals(record.key()))
                .map(TopicRecords.Delivered::eventId).toList()).as("the retried event first, then its key's").isEqualTo(all);
    }

    @Test
    @Order(8)
    void aLedgerItemIsResolvedWithWhoAndWhyAndAnotherRetriedNow() throws SQLException {
        CompensationLedger ledger = CompensationLedger.builder(db.dataSource()).build();
        long first;
        long second;
        try (Connection connection = db.dataSource().getConnection()) {
            first = ledger.record(connection, "import-7", "price.import", 0, "{\"sku\":\"A-1\",\"price\":12.5}",
                    "supplier timeout");
            second = ledger.record(connection, "import-7", "price.import", 1, "{\"sku\":\"A-2\"}", "supplier timeout");
            ledger.record(connection, "mail-3", "invoice.mail", 0, "{\"invoice\":\"I-9\"}", "mailbox full");
        }
        ledger.processBatch("import-7");
        ledger.processBatch("mail-3");
        browser.get(base + "/dashboard/ledger");
        assertThat(text("p.types")).contains("price.import 2").contains("invoice.mail 1");
        HeadlessChromium.screenshot(browser, "ledger");

        clickAndLoad(By.linkText(String.valueOf(first)));
        assertThat(text("h1")).isEqualTo("Ledger item " + first + " manual_required");
        assertThat(text("pre.payload")).contains("\"price\" : 12.5");
        browser.findElement(By.name("reason")).sendKeys("imported by hand");
        HeadlessChromium.screenshot(browser, "ledger-item");
        clickAndLoad(By.xpath("//button[normalize-space()='Resolve']"));
        assertThat(text("p.notice.ok")).isEqualTo("Done: resolve; the item is now resolved.");
        assertThat(text("dl.fields")).contains("by " + OPERATOR).contains("imported by hand");
        assertThat(sql.countsOf("SELECT resolved_by || '|' || resolution_notes, COUNT(*) FROM mailroom_ledger WHERE id = " + first
                + " AND status = 'resolved' GROUP BY 1")).isEqualTo(Map.of(OPERATOR + "|imported by hand", 1L));

        browser.get(base + "/dashboard/ledger/" + second);
        clickAndLoad(By.xpath("//button[normalize-space()='Retry now']"));
        assertThat(text("h1")).isEqualTo("Ledger item " + second + " pending");
        assertThat(text("table.rows")).contains(OPERATOR).contains("(no reason given)");
    }

    @Test
    @Order(9)
    void theAuditLogShowsEveryWriteWithTheSessionsOperator() {
        browser.get(base + "/dashboard/audit?target=outbox:orders");
        List<WebElement> rows = browser.findElements(By.cssSelector("table.audit tbody tr"));
        assertThat(rows).hasSize(5);
        assertThat(rows).allSatisfy(row -> assertThat(row.getText()).contains(OPERATOR));
        assertThat(rows.get(rows.size() - 1).getText()).contains("replay").contains("broker fixed, INC-42");
        assertThat(text("table.audit")).contains("\"errorText\":\"GATEWAY\"");
        HeadlessChromium.screenshot(browser, "audit");
    }

    @Test
    @Order(10)
    void aWriteWithoutTheSessionsCsrfTokenIsRefusedWith403() throws SQLException {
        long id = sql.insertOne("orders_outbox", "order.placed", "csrf-1", "{}", "dead", "broker down", "{}");
        browser.get(base + "/dashboard/services/orders/messages/" + id);
        browser.executeScript("document.querySelector('form.actions input[name=_csrf]').remove()");
        clickAndLoad(By.xpath("//button[normalize-space()='Replay…']"));
        assertThat(text("h1")).isEqualTo("403 Forbidden");
        assertThat(text("p.notice.error")).contains("CSRF token");

        Object status = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/dashboard/services/orders/moves/execute', {method: 'POST',
                  headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                  body: 'action=replay:selected&id=%d&reason=x&_csrf=forged'}).then(r => done(r.status));
                """.formatted(id));
        assertThat(status).isEqualTo(403L);
        assertThat(sql.state("orders_outbox", id)).isEqualTo("dead");
    }

    @Test
    @Order(11)
    void everyPageWeighsLittle() throws Exception {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("login", "/dashboard/login");
        pages.put("overview", "/dashboard/");
        pages.put("messages", "/dashboard/services/orders/messages?key=search-42");
        pages.put("message", "/dashboard/services/orders/messages/" + sql.scalar(
                "SELECT id FROM orders_outbox WHERE event_key = 'search-42'"));
        pages.put("dead-letters", "/dashboard/services/orders/dead");
        pages.put("held-keys", "/dashboard/services/orders/held-keys");
        pages.put("ledger", "/dashboard/ledger?state=any");
        pages.put("audit", "/dashboard/audit");
        String cookie = "mailroom_session=" + browser.manage().getCookieNamed("mailroom_session").getValue();
        HttpClient http = HttpClient.newHttpClient();
        StringBuilder report = new StringBuilder("page\thtml_bytes\tjs_bytes\tcss_bytes\n");
        int js = get(http, "/dashboard/static/dashboard.js", null).body().length;
        int css = get(http, "/dashboard/static/dashboard.css", null).body().length;
        for (Map.Entry<String, String> page : pages.entrySet()) {
            HttpResponse<byte[]> response = get(http, page.getValue(), page.getKey().equals("login") ? null : cookie);
            assertThat(response.statusCode()).as(page.getValue()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline"));
            int html = response.body().length;
            assertThat(html).as(page.getKey()).isLessThan(60_000);
            report.append(page.getKey()).append('\t').append(html).append('\t').append(js).append('\t').append(css)
                    .append('\n');
        }
        assertThat(js + css).isLessThan(10_000);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "dashboard-page-weight.tsv"), report);
        System.out.print(report);
    }

    @Test
    @Order(12)
    void aReadOnlyServerHidesEveryWriteAndRefusesOne() throws Exception {
        long id = sql.insertOne("orders_outbox", "order.placed", "ro-1", "{}", "dead", "broker down", "{}");
        URI dashboard = readOnly.dashboardUri().orElseThrow();
        assertThat(dashboard.getPort()).as("a port of its own").isNotEqualTo(readOnly.uri().getPort());
        String roBase = "http://localhost:" + dashboard.getPort();
        logIn(roBase, TOKEN, "Grace Hopper");
        assertThat(text("header .badge.ro")).isEqualTo("read-only");
        browser.get(roBase + "/dashboard/services/orders/dead");
        assertThat(text("b[data-fact=matching]")).isNotEqualTo("0");
        assertThat(browser.findElements(By.cssSelector("main button:not(.link)"))).extracting(WebElement::getText)
                .containsExactly("Filter");
        assertThat(browser.findElements(By.cssSelector("input[name=id]"))).isEmpty();
        HeadlessChromium.screenshot(browser, "read-only-dead-letters");
        browser.get(roBase + "/dashboard/services/orders/messages/" + id);
        assertThat(browser.findElements(By.cssSelector("form.actions"))).isEmpty();
        browser.get(roBase + "/dashboard/ledger?state=any");
        clickAndLoad(By.cssSelector("table.rows tbody a"));
        assertThat(browser.findElements(By.cssSelector("form.ledger-change"))).isEmpty();

        Object status = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const csrf = document.querySelector('meta[name=csrf-token]').content;
                fetch('/dashboard/services/orders/moves/execute', {method: 'POST',
                  headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                  body: 'action=replay:selected&id=%d&reason=x&_csrf=' + encodeURIComponent(csrf)})
                  .then(r => r.text().then(t => done(r.status + ' ' + t)));
                """.formatted(id));
        assertThat(status.toString()).startsWith("403 ").contains("read-only");
        assertThat(sql.state("orders_outbox", id)).isEqualTo("dead");

        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(roBase + "/api/v1/services")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("the dashboard's port serves no API").isEqualTo(404);
        HttpResponse<String> apiPort = http.send(HttpRequest.newBuilder(readOnly.uri().resolve("/dashboard/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(apiPort.statusCode()).isEqualTo(401);
        assertThat(apiPort.body()).contains("unauthorized");
    }

    // ---------------------------------------------------------------- browser helpers

    private static void logIn(String origin, String token, String operator) {
        browser.get(origin + "/dashboard/login");
        browser.findElement(By.name("token")).sendKeys(token);
        browser.findElement(By.name("operator")).sendKeys(operator);
        clickAndLoad(By.cssSelector("section.login button"));
    }

    /** Clicks something that loads a page, and waits until the page it was on is gone. */
    private static void clickAndLoad(WebElement element) {
        browser.executeScript("window.mailroomPageBeforeClick = true");
        element.click();
        new WebDriverWait(browser, WAIT).ignoring(WebDriverException.class).until(driver -> Boolean.TRUE.equals(
                browser.executeScript("return window.mailroomPageBeforeClick === undefined"
                        + " && document.readyState === 'complete'")));
    }

    private static void clickAndLoad(By by) {
        clickAndLoad(browser.findElement(by));
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static long count(String box, String state) {
        return Long.parseLong(text("section[data-box='" + box + "'] td[data-state=" + state + "]"));
    }

    private static WebElement heldKeyRow(String key) {
        return browser.findElements(By.cssSelector("table.rows tbody tr")).stream()
                .filter(row -> row.findElement(By.tagName("td")).getText().equals(key)).findFirst().orElseThrow();
    }

    private static void waitUntil(java.util.function.Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT).ignoring(RuntimeException.class).until(driver -> condition.apply(browser));
    }

    private static HttpResponse<byte[]> get(HttpClient http, String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void awaitDelivered(List<String> eventIds) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(TopicRecords.read(broker, TOPIC).stream()
                .map(TopicRecords.Delivered::eventId).collect(Collectors.toSet())).containsAll(eventIds));
    }
}
