package dev.mailroom.spring.autoconfigure;

import org.springframework.core.env.Environment;

/** Where the Kafka cluster is: {@code mailroom.kafka.bootstrap-servers}, else {@code spring.kafka.bootstrap-servers}. */
final class KafkaSettings {

    private KafkaSettings() {
    }

    static String bootstrapServers(MailroomProperties.Kafka kafka, Environment environment) {
        String servers = kafka.getBootstrapServers();
        if (servers == null || servers.isBlank()) {
            servers = environment.getProperty("spring.kafka.bootstrap-servers");
        }
        return servers == null || servers.isBlank() ? null : servers;
    }
}
