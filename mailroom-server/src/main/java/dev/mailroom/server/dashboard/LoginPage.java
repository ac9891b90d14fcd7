package dev.mailroom.server.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Log in with the admin token and the operator's name (who every write is recorded as); a new
 * session and its cookie follow. Log out ends the session and clears the cookie.
 */
final class LoginPage {

    static final String PATH = Layout.ROOT + "/login";
    static final int MAX_OPERATOR_LENGTH = 100;
    private static final Pattern OPERATOR = Pattern.compile("[^\\p{Cntrl}]{1," + MAX_OPERATOR_LENGTH + "}");

    private final byte[] token;
    private final Sessions sessions;
    private final Layout layout;

    LoginPage(String token, Sessions sessions, Layout layout) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.sessions = sessions;
        this.layout = layout;
    }

    View form(String problem, int status) {
        Html h = new Html().raw("<section class=\"login\"><h1>Log in</h1>");
        if (problem != null) {
            Layout.notice(h, "error", problem);
        }
        h.raw("<form method=\"post\" action=\"" + PATH + "\"><label>Admin token<input type=\"password\" name=\"token\""
                + " required autocomplete=\"current-password\"></label><label>Your name (recorded with every change you"
                + " make)<input name=\"operator\" required maxlength=\"" + MAX_OPERATOR_LENGTH + "\" autocomplete="
                + "\"username\"></label><button>Log in</button></form></section>");
        return View.html(status, layout.page("Log in", null, h.toString()));
    }

    View submit(Map<String, List<String>> form, boolean secure) {
        String given = single(form, "token");
        String operator = single(form, "operator");
        operator = operator == null ? null : operator.strip();
        if (operator == null || !OPERATOR.matcher(operator).matches()) {
            return form("Give your name (1 to " + MAX_OPERATOR_LENGTH + " characters): every change is recorded with it.", 400);
        }
        if (given == null || !MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8), token)) {
            return form("That is not the admin token.", 401);
        }
        Sessions.Session session = sessions.create(operator);
        return View.redirect(Layout.ROOT + "/").withCookie(cookie(session.id(), secure, false));
    }

    View logout(Exchange exchange) {
        sessions.end(exchange.session().id());
        return View.redirect(PATH).withCookie(cookie("", false, true));
    }

    /** The session cookie: only for the dashboard's paths, never readable by script, never sent cross-site. */
    static String cookie(String value, boolean secure, boolean expire) {
        return DashboardHandler.COOKIE + "=" + value + "; Path=" + Layout.ROOT + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + (expire ? "; Max-Age=0" : "");
    }

    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.getOrDefault(name, List.of());
        return values.size() == 1 ? values.get(0) : null;
    }
}
