package dev.mailroom.consumer;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.faults.FaultEffects;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Mailroom's inbox consumer in a child JVM. Its handler writes one effect row per event in the
 * transaction that records the event in the inbox ({@link FaultEffects}). With {@code pause}, after
 * some inbox writes and before their offsets are committed, it prints {@code @BETWEEN_COMMITS} and
 * waits 1.5 s there, so the test can SIGKILL it exactly between its two commits (through the package's
 * test hook {@code ConsumerRunner#beforeOffsetCommit}, hence this package).
 *
 * <p>Arguments: JDBC URL, user, password, bootstrap servers, topic, pause (true/false), seed.
 */
public final class InboxConsumerMain {

    private InboxConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        FaultEffects.exitWithParent();
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(4);
        RouteRegistry routes = FaultEffects.routes(args[4]);
        ConsumerRunner runner = ConsumerRunner.builder(pool, routes, args[3])
                .group(FaultEffects.GROUP)
                .consumerConfig(FaultEffects.restartableMember())
                .lease(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200))
                        .maxAttempts(3).build())
                .handler(FaultEffects.EVENT_TYPE, FaultEffects.Effect.class,
                        (effect, metadata, transaction) -> FaultEffects.apply(transaction, metadata.eventId(), effect))
                .build();
        runner.migrate();
        if (Boolean.parseBoolean(args[5])) {
            Random random = new Random(Long.parseLong(args[6]));
            runner.beforeOffsetCommit(() -> {
                if (random.nextInt(4) == 0) {
                    FaultEffects.marker("BETWEEN_COMMITS");
                    LockSupport.parkNanos(Duration.ofMillis(1500).toNanos());
                }
            });
        }
        runner.start();
        FaultEffects.marker("STARTED");
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
