package dev.mailroom.server.dashboard;

import java.nio.charset.StandardCharsets;

/** What the dashboard answers: a status, a body, and a redirect target and cookie when there are any. */
record View(int status, String contentType, byte[] body, String location, String cookie) {

    static final String HTML = "text/html; charset=utf-8";

    static View html(String html) {
        return html(200, html);
    }

    static View html(int status, String html) {
        return new View(status, HTML, html.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** 303 See Other: after a form, the browser GETs {@code location}, so a reload never posts twice. */
    static View redirect(String location) {
        return new View(303, HTML, new byte[0], location, null);
    }

    View withCookie(String setCookie) {
        return new View(status, contentType, body, location, setCookie);
    }
}
