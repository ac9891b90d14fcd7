package dev.mailroom.server.http;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.server.Readiness;
import dev.mailroom.server.config.ServerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.mailroom.server.dashboard.DashboardHandler;
import dev.mailroom.server.dashboard.DeliveryRate;
import java.net.URI;
import java.util.Optional;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admin HTTP API on Jetty 12 (its core handler API, no servlets): bound to {@code admin.bind}
 * (loopback unless configured), a bounded thread pool, and JSON errors for what Jetty itself refuses
 * (a malformed request line, a header too large) so no response ever holds a stack trace. When
 * {@code dashboard.enabled}, the dashboard too: under {@code /dashboard/} on the same port, or on a
 * connector of its own ({@code dashboard.bind}, {@code dashboard.port}) that serves nothing else.
 */
public final class AdminHttpServer implements AutoCloseable {

    private static final int MAX_THREADS = 32;

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector dashboardConnector;
    private final DeliveryRate rate;

    private AdminHttpServer(Server server, ServerConnector connector, ServerConnector dashboardConnector,
                            DeliveryRate rate) {
        this.server = server;
        this.connector = connector;
        this.dashboardConnector = dashboardConnector;
        this.rate = rate;
    }

    public static AdminHttpServer start(ServerConfig.Admin config, ServerConfig.Dashboard dashboard, MailroomAdmin admin,
                                        Readiness readiness, PrometheusMeterRegistry metrics) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("mailroom-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        server.addConnector(connector);
        Handler api = new ApiHandler(config.token(), config.maxRequestBytes(), admin, readiness, metrics);
        ServerConnector own = null;
        DeliveryRate rate = null;
        if (dashboard.enabled()) {
            if (dashboard.ownPort()) {
                own = new ServerConnector(server, new HttpConnectionFactory(http));
                own.setHost(dashboard.bind());
                own.setPort(dashboard.port());
                server.addConnector(own);
            }
            rate = DeliveryRate.start(metrics);
            server.setHandler(new Handler.Sequence(new DashboardHandler(config.token(), dashboard,
                    config.maxRequestBytes(), admin, rate, own), api));
        } else {
            server.setHandler(api);
        }
        server.setErrorHandler(AdminHttpServer::jettyError);
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failure is what matters
            }
            if (rate != null) {
                rate.close();
            }
            String where = config.bind() + ":" + config.port() + (own == null ? "" : " and " + dashboard.bind() + ":"
                    + dashboard.port());
            throw new IllegalStateException("Could not listen on " + where + ": " + e.getMessage(), e);
        }
        return new AdminHttpServer(server, connector, own, rate);
    }


    /** What Jetty refuses before the API sees the request, as the API's JSON error. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 400;
        String code = status == 413 || status == 431 ? "payload_too_large" : status >= 500 ? "internal" : "bad_request";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
        byte[] body = Reply.json(status, Views.error(code, "the request was refused (HTTP " + status + ")", null)).body();
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** Where it listens, with the port it got (when configured as 0). */
    public URI uri() {
        return uri(connector);
    }

    /** Where the dashboard's first page is, when it is enabled. */
    public Optional<URI> dashboardUri() {
        if (rate == null) {
            return Optional.empty();
        }
        return Optional.of(uri(dashboardConnector != null ? dashboardConnector : connector).resolve("/dashboard/"));
    }

    private static URI uri(ServerConnector connector) {
        String host = connector.getHost() == null ? "0.0.0.0" : connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the HTTP server", e);
        } finally {
            if (rate != null) {
                rate.close();
            }
        }
    }
}
