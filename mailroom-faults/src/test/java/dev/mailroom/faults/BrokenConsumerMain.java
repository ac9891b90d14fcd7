package dev.mailroom.faults;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A deliberately broken consumer for the checker's mutation tests: the inbox's dedupe switched off.
 * It applies each batch's effects in one transaction and then commits the offsets, with nothing
 * recording which events it applied, so records read again after a kill between the two commits
 * take effect again. Prints {@code @BETWEEN_COMMITS} and waits 1.5 s there when {@code pause}.
 *
 * <p>Arguments: JDBC URL, user, password, bootstrap servers, topic, pause (true/false).
 */
public final class BrokenConsumerMain {

    private BrokenConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildMain.exitWithParent();
        boolean pause = Boolean.parseBoolean(args[5]);
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        Map<String, Object> config = new java.util.HashMap<>(FaultEffects.restartableMember());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[3]);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "broken-" + FaultEffects.GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(args[4]));
            ChildMain.marker("STARTED");
            while (true) {
                var records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                try (Connection connection = pool.getConnection()) {
                    connection.setAutoCommit(false);
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        UUID id = UUID.fromString(new String(record.headers().lastHeader("ce_id").value(),
                                StandardCharsets.UTF_8));
                        FaultEffects.apply(connection, id, new FaultEffects.Effect(
                                new String(record.key(), StandardCharsets.UTF_8), Payloads.sequence(record.value())));
                    }
                    connection.commit();
                }
                if (pause) {
                    ChildMain.marker("BETWEEN_COMMITS");
                    LockSupport.parkNanos(Duration.ofMillis(1500).toNanos());
                }
                consumer.commitSync();
            }
        }
    }
}
