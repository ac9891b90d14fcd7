package dev.mailroom.relay;

import dev.mailroom.jdbc.StoreException;
import dev.mailroom.jdbc.operator.RelayHeartbeats;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators this relay instance is alive: a row in {@code mailroom_relay_instances} refreshed
 * every reap interval and marked stopped at a graceful shutdown. A failed heartbeat (the table was
 * never migrated, the database is down) never stops delivery: it is logged once and tried again
 * next time.
 */
final class Heartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final RelayHeartbeats heartbeats;
    private final RelaySettings settings;
    private final String host;
    private boolean failing;

    Heartbeat(RelayHeartbeats heartbeats, RelaySettings settings) {
        this.heartbeats = heartbeats;
        this.settings = settings;
        this.host = hostName();
    }

    void beat() {
        try {
            heartbeats.beat(settings.owner(), settings.service(), host, settings.claimMode().name());
            if (failing) {
                failing = false;
                LOG.info("Relay {} records its heartbeat again", settings.owner());
            }
        } catch (StoreException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Relay {} could not record its heartbeat, operators will not see it ({}); delivery goes on",
                        settings.owner(), e.getMessage());
            }
        }
    }

    void stopped() {
        try {
            heartbeats.stopped(settings.owner());
        } catch (StoreException e) {
            LOG.debug("Relay {} could not record its stop: {}", settings.owner(), e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
