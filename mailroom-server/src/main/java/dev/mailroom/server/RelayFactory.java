package dev.mailroom.server;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.relay.Relay;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.server.config.ConfigException;
import dev.mailroom.server.config.ServerConfig;
import dev.mailroom.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

/** One service's relay, with every setting of {@code services.<name>.relay}. */
final class RelayFactory {

    private RelayFactory() {
    }

    static Relay build(DataSource dataSource, SqlDialect dialect, RouteRegistry routes, Transport transport,
                       MeterRegistry metrics, ServerConfig.Service service) {
        ServerConfig.Relay settings = service.relay();
        try {
            Relay.Builder relay = Relay.builder(dataSource, routes, transport)
                    .service(service.name())
                    .dialect(dialect)
                    .meterRegistry(metrics)
                    .claimMode(settings.claimMode())
                    .batchSize(settings.batchSize())
                    .lease(settings.lease())
                    .sendTimeout(settings.sendTimeout())
                    .fallbackPoll(settings.fallbackPoll())
                    .reapInterval(settings.reapInterval())
                    .shutdownTimeout(settings.shutdownTimeout())
                    .orderByKey(settings.orderByKey())
                    .deletePublished(settings.deletePublished())
                    .pollInterval(settings.pollMin(), settings.pollMax())
                    .retryPolicy(settings.retry());
            if (settings.retention() != null) {
                relay.retention(settings.retention(), settings.retentionInterval());
            }
            return relay.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("services." + service.name() + ".relay", e.getMessage());
        }
    }
}
