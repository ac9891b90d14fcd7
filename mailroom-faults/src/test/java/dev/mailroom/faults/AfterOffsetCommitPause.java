package dev.mailroom.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The named point after an inbox consumer's offset commit, reached from outside Mailroom's code: a
 * Kafka {@link ConsumerInterceptor} (configured with {@code interceptor.classes}) whose
 * {@link #onCommit} runs on the committing thread once a synchronous commit has succeeded. After
 * one commit in four it prints {@code @AFTER_OFFSET_COMMIT} and waits 1.5 s there, so the test can
 * SIGKILL the consumer exactly after its offset commit.
 *
 * <p>Configured with {@value #SEED} (the seed of its choices).
 */
public final class AfterOffsetCommitPause implements ConsumerInterceptor<byte[], byte[]> {

    public static final String SEED = "mailroom.faults.after-offset-commit.seed";

    private Random random = new Random();

    /** The consumer settings that install it, with its seed. */
    public static Map<String, Object> config(long seed) {
        return Map.of("interceptor.classes", AfterOffsetCommitPause.class.getName(), SEED, Long.toString(seed));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        random = new Random(Long.parseLong(String.valueOf(configs.get(SEED))));
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (random.nextInt(4) == 0) {
            ChildMain.marker("AFTER_OFFSET_COMMIT");
            LockSupport.parkNanos(Duration.ofMillis(1500).toNanos());
        }
    }

    @Override
    public void close() {
    }
}
