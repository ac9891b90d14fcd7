package dev.mailroom.server.dashboard;

import dev.mailroom.server.http.Call;

/**
 * One dashboard request as a page sees it: the path's bound segments and the parameters (the query
 * of a GET, the form fields of a POST) in a {@link Call}, so values are checked as the API checks
 * them, and the operator's session (null on the login page).
 */
record Exchange(Call call, Sessions.Session session) {

    String operator() {
        return session.operator();
    }
}
