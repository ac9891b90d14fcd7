package dev.mailroom.faults;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.relay.ClaimMode;
import dev.mailroom.relay.Relay;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.transport.Transport;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A relay in a child JVM, delivering the scenario's outbox to Kafka. Prints {@code @STARTED} once it
 * runs, then works until it is killed or its parent ends.
 *
 * <p>Arguments: JDBC URL, user, password, bootstrap servers, topic, claim mode, lease in ms, owner.
 * The send timeout is the lease minus one second; retries back off from 100 ms to 1 s.
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildMain.exitWithParent();
        run(pool(args), args, kafka(args));
    }

    /** The relay's Kafka transport: sends give up after 2 s (the relay's send timeout is longer). */
    static KafkaTransport kafka(String[] args) {
        return KafkaTransport.builder(args[3]).deliveryTimeout(Duration.ofSeconds(2)).build();
    }

    static HikariDataSource pool(String[] args) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(6);
        pool.setConnectionTimeout(5_000);
        return pool;
    }

    /** Starts the relay on {@code dataSource} and {@code transport}, prints {@code @STARTED} and parks. */
    static void run(DataSource dataSource, String[] args, Transport transport) throws InterruptedException {
        Duration lease = Duration.ofMillis(Long.parseLong(args[6]));
        ClaimMode mode = ClaimMode.valueOf(args[5]);
        Relay.builder(dataSource, FaultRoutes.of(args[4]), transport)
                .service(FaultRoutes.SERVICE)
                .owner(args[7])
                .claimMode(mode)
                .lease(lease)
                .sendTimeout(mode == ClaimMode.PARTITION_LEASE ? lease.dividedBy(2) : lease.minusSeconds(1))
                .reapInterval(Duration.ofMillis(500))
                .fallbackPoll(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1))
                        .build())
                .build().start();
        ChildMain.marker("STARTED " + args[7]);
        ChildMain.parkForever();
    }
}
