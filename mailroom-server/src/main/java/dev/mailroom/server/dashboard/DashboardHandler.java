package dev.mailroom.server.dashboard;

import dev.mailroom.admin.Mailbox;
import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.server.config.ServerConfig;
import dev.mailroom.server.http.ApiException;
import dev.mailroom.server.http.Call;
import dev.mailroom.server.http.RequestBodies;
import dev.mailroom.server.http.Router;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator dashboard under {@code /dashboard/}: server-rendered pages over {@link MailroomAdmin}
 * (no SQL of its own), one stylesheet and one small script. Every page but the login needs a
 * session (the admin token and the operator's name given once; then an {@code HttpOnly},
 * {@code SameSite=Strict} cookie, {@code Secure} over TLS); every POST needs the session's CSRF
 * token; writes are refused (and their controls hidden) unless {@code admin.writes-enabled}; every
 * value is HTML-escaped and a Content-Security-Policy allows no inline script.
 */
public final class DashboardHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardHandler.class);
    static final String COOKIE = "mailroom_session";
    static final String CSRF_FIELD = "_csrf";
    private static final int MAX_FORM_FIELDS = 12_000;
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** A page: what it shows, and whether it writes (refused while read-only). */
    private record Route(Page page, boolean write) {
    }

    @FunctionalInterface
    private interface Page {
        View show(Exchange exchange);
    }

    private final MailroomAdmin admin;
    private final Sessions sessions;
    private final Layout layout;
    private final LoginPage login;
    private final StaticAssets assets = new StaticAssets();
    private final Router<Route> router = new Router<>();
    private final int maxRequestBytes;
    private final Connector ownConnector;

    /**
     * The dashboard of {@code admin}; with {@code ownConnector} it serves every request arriving
     * there and no other, without one the paths under {@code /dashboard} of every connector.
     */
    public DashboardHandler(String token, ServerConfig.Dashboard config, int maxRequestBytes, MailroomAdmin admin,
                            DeliveryRate rate, Connector ownConnector) {
        this.admin = admin;
        this.ownConnector = ownConnector;
        this.maxRequestBytes = maxRequestBytes;
        this.sessions = new Sessions(config.sessionTimeout(), Clock.systemUTC());
        this.layout = new Layout(admin);
        this.login = new LoginPage(token, sessions, layout);
        OverviewPage overview = new OverviewPage(admin, layout, rate);
        MessagePages messages = new MessagePages(admin, layout);
        MovePages moves = new MovePages(admin, layout);
        LedgerPages ledger = new LedgerPages(admin, layout);
        AuditPage audit = new AuditPage(admin, layout);
        read("/", overview::page).read("/overview", overview::fragment);
        for (Mailbox.Kind kind : Mailbox.Kind.values()) {
            String box = "/" + (kind == Mailbox.Kind.OUTBOX ? "services" : "inboxes") + "/{name}";
            read(box + "/messages", exchange -> messages.search(exchange, mailbox(exchange, kind)))
                    .read(box + "/messages/{id}", exchange -> messages.message(exchange, mailbox(exchange, kind)))
                    .read(box + "/dead", exchange -> moves.dead(exchange, mailbox(exchange, kind)))
                    .read(box + "/held-keys", exchange -> moves.heldKeys(exchange, mailbox(exchange, kind)))
                    .write(box + "/moves/preview", exchange -> moves.preview(exchange, mailbox(exchange, kind)))
                    .write(box + "/moves/execute", exchange -> moves.execute(exchange, mailbox(exchange, kind)));
        }
        read("/ledger", ledger::list).read("/ledger/{id}", ledger::item).write("/ledger/{id}/change", ledger::change)
                .read("/audit", audit::page);
        router.add("POST", Layout.ROOT + "/logout", new Route(login::logout, false));
    }

    private DashboardHandler read(String path, Page page) {
        router.add("GET", Layout.ROOT + path, new Route(page, false));
        return this;
    }

    private DashboardHandler write(String path, Page page) {
        router.add("POST", Layout.ROOT + path, new Route(page, true));
        return this;
    }

    /** Whether a path is the dashboard's (when it shares the API's port). */
    private static boolean owns(String path) {
        return path.equals(Layout.ROOT) || path.startsWith(Layout.ROOT + "/");
    }

    /** Answers the requests that are the dashboard's; returns false for the others (the API's). */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        boolean mine = ownConnector == null ? owns(path) : request.getConnectionMetaData().getConnector() == ownConnector;
        if (!mine) {
            return false;
        }
        Sessions.Session session = null;
        View view;
        try {
            session = sessions.find(cookie(request)).orElse(null);
            view = dispatch(request, method, path, session);
        } catch (RuntimeException e) {
            ApiException refused = ApiException.of(e, method, path);
            view = error(refused.status(), refused.getMessage(), session);
        }
        if (method.equals("POST") || view.status() >= 500) {
            LOG.info("{} {} -> {} ({})", method, path, view.status(), session == null ? "no session" : session.operator());
        }
        RequestBodies.discardUnread(request, maxRequestBytes);
        write(request, response, callback, view, path.startsWith(StaticAssets.PATH));
        return true;
    }

    private View dispatch(Request request, String method, String path, Sessions.Session session) {
        if (!owns(path)) {
            return path.equals("/") ? View.redirect(Layout.ROOT + "/") : error(404, "No such page: " + path, session);
        }
        if (path.equals(Layout.ROOT)) {
            return View.redirect(Layout.ROOT + "/");
        }
        if (path.startsWith(StaticAssets.PATH) && method.equals("GET")) {
            return assets.get(path.substring(StaticAssets.PATH.length()))
                    .orElseGet(() -> error(404, "No such file", session));
        }
        if (path.equals(LoginPage.PATH)) {
            if (method.equals("GET")) {
                return session != null ? View.redirect(Layout.ROOT + "/") : login.form(null, 200);
            }
            if (method.equals("POST")) {
                return login.submit(form(request), request.isSecure());
            }
        }
        Router.Match<Route> match = router.match(method, path);
        if (match.endpoint() == null) {
            return match.allowed().isEmpty() ? error(404, "No such page: " + path, session)
                    : error(405, path + " takes " + String.join(", ", match.allowed()), session);
        }
        if (session == null) {
            return method.equals("GET") && !path.equals(Layout.ROOT + "/overview") ? View.redirect(LoginPage.PATH)
                    : error(401, "Your session has ended: log in again.", null);
        }
        Map<String, List<String>> parameters;
        if (method.equals("POST")) {
            parameters = form(request);
            List<String> csrf = parameters.getOrDefault(CSRF_FIELD, List.of());
            if (csrf.size() != 1 || !session.csrfMatches(csrf.get(0))) {
                return error(403, "Refused: the form's CSRF token is missing or not this session's. Reload the page"
                        + " and try again.", session);
            }
            if (match.endpoint().write() && !admin.writesEnabled()) {
                return error(403, "Refused: the dashboard is read-only (admin.writes-enabled is false).", session);
            }
        } else {
            parameters = Call.query(request);
        }
        return match.endpoint().page().show(new Exchange(new Call(match.parameters(), parameters, new byte[0]), session));
    }

    private Map<String, List<String>> form(Request request) {
        if (request.getLength() > maxRequestBytes) {
            throw new ApiException(413, "payload_too_large", "The form is larger than " + maxRequestBytes + " bytes", null);
        }
        try {
            return Call.parameters(FormFields.getFields(request, MAX_FORM_FIELDS, maxRequestBytes));
        } catch (RuntimeException e) {
            throw ApiException.badRequest(null, "The form could not be read (too large or malformed)");
        }
    }

    private static String cookie(Request request) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(COOKIE)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private View error(int status, String message, Sessions.Session session) {
        Html h = new Html().raw("<h1>").text(status == 403 ? "403 Forbidden" : "Error " + status).raw("</h1>");
        Layout.notice(h, "error", message);
        h.raw("<p>").link(session == null ? LoginPage.PATH : Layout.ROOT + "/", session == null ? "Log in" : "Overview")
                .raw("</p>");
        return View.html(status, layout.page("Error " + status, session, h.toString()));
    }

    private static void write(Request request, Response response, Callback callback, View view, boolean asset) {
        response.setStatus(view.status());
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, view.contentType());
        headers.put(HttpHeader.CACHE_CONTROL, asset ? "max-age=600" : "no-store");
        headers.put("Content-Security-Policy", CSP);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        if (view.location() != null) {
            headers.put(HttpHeader.LOCATION, view.location());
        }
        if (view.cookie() != null) {
            headers.add(HttpHeader.SET_COOKIE, view.cookie());
        }
        response.write(true, ByteBuffer.wrap(view.body()), callback);
    }

    private static Mailbox mailbox(Exchange exchange, Mailbox.Kind kind) {
        return new Mailbox(kind, exchange.call().path("name"));
    }
}
