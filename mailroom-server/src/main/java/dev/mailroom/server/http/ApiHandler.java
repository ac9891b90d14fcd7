package dev.mailroom.server.http;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.server.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request: the token (all but liveness), the body limit, the route, and the mapping of
 * exceptions to the spec's error codes. A response never carries a stack trace: an unexpected
 * exception is logged here and answered with 500 {@code internal}.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String LIVENESS = "/health/live";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final byte[] token;
    private final int maxRequestBytes;
    private final Router<Router.Endpoint> router = new Router<>();

    ApiHandler(String token, int maxRequestBytes, MailroomAdmin admin, Readiness readiness,
               PrometheusMeterRegistry metrics) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.maxRequestBytes = maxRequestBytes;
        router.add("GET", LIVENESS, call -> Reply.json(Views.object().put("status", "UP")))
                .add("GET", "/health/ready", call -> ready(readiness))
                .add("GET", "/metrics", call -> Reply.text(PROMETHEUS_TEXT, metrics.scrape()));
        new LedgerEndpoints(admin).register(router);
        new MailboxEndpoints(admin).register(router);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        Reply reply;
        try {
            reply = dispatch(request, method, path);
        } catch (RuntimeException e) {
            ApiException api = ApiException.of(e, method, path);
            reply = error(api.status(), api.code(), api.getMessage(), api.field());
        }
        if (method.equals("POST") || reply.status() >= 500) {
            LOG.info("{} {} -> {}", method, path, reply.status());
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (reply.status() == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        RequestBodies.discardUnread(request, maxRequestBytes);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }

    private Reply dispatch(Request request, String method, String path) {
        if (!(method.equals("GET") && path.equals(LIVENESS)) && !authorized(request)) {
            throw new ApiException(401, "unauthorized", "a valid 'Authorization: Bearer <token>' header is required", null);
        }
        Router.Match<Router.Endpoint> match = router.match(method, path);
        if (match.endpoint() == null) {
            if (!match.allowed().isEmpty()) {
                throw new ApiException(405, "method_not_allowed", path + " takes " + String.join(", ", match.allowed()), null);
            }
            throw ApiException.notFound("No such endpoint: " + method + " " + path);
        }
        byte[] body = method.equals("POST") ? body(request) : new byte[0];
        return match.endpoint().handle(new Call(match.parameters(), Call.query(request), body));
    }

    private boolean authorized(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), token);
    }

    private byte[] body(Request request) {
        if (request.getLength() > maxRequestBytes) {
            throw tooLarge();
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes(maxRequestBytes + 1);
            if (body.length > maxRequestBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the request body could not be read");
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "the request body is larger than " + maxRequestBytes + " bytes", null);
    }

    private static Reply ready(Readiness readiness) {
        Readiness.Report report = readiness.check();
        var body = Views.object().put("status", report.ready() ? "UP" : "DOWN");
        var checks = body.putObject("checks");
        checks.put("database", report.database() ? "UP" : "DOWN").put("broker", report.broker() ? "UP" : "DOWN");
        var relays = checks.putObject("relays");
        report.relays().forEach((service, up) -> relays.put(service, up ? "UP" : "DOWN"));
        return Reply.json(report.ready() ? 200 : 503, body);
    }

    private static Reply error(int status, String code, String message, String field) {
        return Reply.json(status, Views.error(code, message, field));
    }
}
