package dev.mailroom.server.http;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The end of a request's body that a handler did not read. A request refused before its body is
 * read (no token, no session, no CSRF token) still has bytes on their way; Jetty then closes the
 * connection with them unread, and a socket closed with unread input is reset by the kernel, which
 * can destroy the answer before the client reads it (the JDK client reports "header parser received
 * no bytes"). Reading the rest first keeps the answer and the connection: up to the configured limit
 * and {@link #LINGER_BYTES} more, so a body refused as too large still gets its 413 read (the lingering
 * close of nginx and Apache, bounded by bytes instead of time).
 */
public final class RequestBodies {

    /** How much more than the configured limit is read and dropped before the connection is given up. */
    static final int LINGER_BYTES = 1024 * 1024;

    private RequestBodies() {
    }

    /**
     * Reads and drops what is left of {@code request}'s body, at most {@code limit} plus
     * {@link #LINGER_BYTES} bytes; of a longer body the rest is left to Jetty, which answers and closes.
     */
    public static void discardUnread(Request request, int limit) {
        if (request.getLength() == 0 || request.getLength() > (long) limit + LINGER_BYTES) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = (long) limit + LINGER_BYTES;
        try (InputStream in = Content.Source.asInputStream(request)) {
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or sent a broken body: Jetty closes the connection, nothing to answer
        }
    }
}
