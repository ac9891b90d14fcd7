package dev.mailroom.consumer;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.faults.AfterOffsetCommitPause;
import dev.mailroom.faults.FaultEffects;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Mailroom's inbox consumer in a child JVM. Its handler writes one effect row per event in the
 * transaction that records the event in the inbox ({@link FaultEffects}). It may stop now and then
 * at a named point, printing it and waiting 1.5 s there, so the test can SIGKILL it exactly there:
 * {@code BETWEEN_COMMITS}, after some inbox writes and before their offsets are committed (through
 * the package's test hook {@code ConsumerRunner#beforeOffsetCommit}, hence this package), or
 * {@code AFTER_OFFSET_COMMIT}, after some offset commits ({@link AfterOffsetCommitPause}, a Kafka
 * consumer interceptor).
 *
 * <p>Arguments: JDBC URL, user, password, bootstrap servers, topic, named point ({@code NONE},
 * {@code BETWEEN_COMMITS} or {@code AFTER_OFFSET_COMMIT}), seed.
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
        String point = args[5];
        long seed = Long.parseLong(args[6]);
        Map<String, Object> consumerConfig = new HashMap<>(FaultEffects.restartableMember());
        if (!point.equals("NONE")) {
            // small batches: many commits, so a backlog offers the named point many times
            consumerConfig.put("max.poll.records", 100);
        }
        if (point.equals("AFTER_OFFSET_COMMIT")) {
            consumerConfig.putAll(AfterOffsetCommitPause.config(seed));
        }
        ConsumerRunner runner = ConsumerRunner.builder(pool, routes, args[3])
                .group(FaultEffects.GROUP)
                .consumerConfig(consumerConfig)
                .lease(Duration.ofSeconds(2))
                .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMillis(50)).maxDelay(Duration.ofMillis(200))
                        .maxAttempts(3).build())
                .handler(FaultEffects.EVENT_TYPE, FaultEffects.Effect.class,
                        (effect, metadata, transaction) -> FaultEffects.apply(transaction, metadata.eventId(), effect))
                .build();
        runner.migrate();
        if (point.equals("BETWEEN_COMMITS")) {
            Random random = new Random(seed);
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
