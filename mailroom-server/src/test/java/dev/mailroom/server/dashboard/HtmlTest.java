package dev.mailroom.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void everyValueIsEscapedInTextAndInAttributes() {
        String attack = "<script>alert(\"x\")</script>&'";
        String html = new Html().raw("<p").attr("title", attack).raw(">").text(attack).raw("</p>").td(attack).toString();
        assertThat(html).doesNotContain("<script>").doesNotContain("\"x\"")
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
        assertThat(new Html().text(null).toString()).isEmpty();
        assertThat(Html.escape("plain text")).isSameAs("plain text");
    }

    @Test
    void urlsAreEncodedAndTimesAndAgesAreShort() {
        assertThat(Html.url("a b&c=<d>")).isEqualTo("a%20b%26c%3D%3Cd%3E");
        assertThat(Html.age(Duration.ofMillis(1250))).isEqualTo("1.25s");
        assertThat(Html.age(Duration.ofSeconds(252))).isEqualTo("4m 12s");
        assertThat(Html.age(Duration.ofMinutes(125))).isEqualTo("2h 5m");
        assertThat(Html.age(Duration.ofHours(76))).isEqualTo("3d 4h");
        assertThat(Html.excerpt("x".repeat(500))).hasSize(161).endsWith("…");
    }

    @Test
    void payloadsArePrettyJsonTextOrHex() {
        assertThat(Payloads.prettyJson("{\"a\":[1,2]}", "application/json")).isEqualTo("{\n  \"a\" : [ 1, 2 ]\n}");
        assertThat(Payloads.prettyJson("{\"a\":1,\"a\":2}", "application/json")).as("duplicate keys: shown as text").isNull();
        assertThat(Payloads.prettyJson("plain", "text/plain")).isNull();
        assertThat(Payloads.hex("AB\u0000".getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("00000000  41 42 00" + " ".repeat(41) + "AB.\n");
        Html h = new Html();
        Payloads.render(h, new byte[] {(byte) 0xff, 0x3c}, "application/octet-stream");
        assertThat(h.toString()).contains("binary, hex").contains("ff 3c").contains(".&lt;");
    }
}
