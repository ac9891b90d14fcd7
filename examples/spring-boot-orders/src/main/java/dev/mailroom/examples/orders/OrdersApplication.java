package dev.mailroom.examples.orders;

import dev.mailroom.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Orders and notifications in one Spring Boot service: {@link OrderService} publishes
 * {@code order.placed} inside its {@code @Transactional} method, Mailroom's relay delivers it to
 * Kafka, and {@link NotificationHandler} consumes it through the inbox.
 *
 * <p>For trying it out: when neither {@code MAILROOM_KAFKA_BOOTSTRAP_SERVERS} nor
 * {@code --mailroom.kafka.bootstrap-servers} names a cluster, an in-process Kafka broker is started
 * here ({@code mailroom-kafka-embedded}). In production, point {@code mailroom.kafka.bootstrap-servers} at your
 * cluster and leave the testkit out.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) throws IOException {
        SpringApplication application = new SpringApplication(OrdersApplication.class);
        if (!namesKafka(args) && System.getenv("MAILROOM_KAFKA_BOOTSTRAP_SERVERS") == null) {
            EmbeddedKafka broker = startInProcessKafka();
            // stopped after every bean (relays, consumers) that uses it
            application.addInitializers(context -> ((DefaultListableBeanFactory) context.getBeanFactory())
                    .registerDisposableBean("inProcessKafka", broker::close));
            System.out.println("For trying it out: in-process Kafka broker at " + broker.bootstrapServers());
            application.setDefaultProperties(Map.of("example.in-process-kafka", broker.bootstrapServers(),
                    "mailroom.kafka.create-missing-topics-partitions", "1"));
        }
        application.run(args);
    }

    /** For trying it out: a one-node broker in this JVM, its log in a temporary folder. */
    static EmbeddedKafka startInProcessKafka() throws IOException {
        return EmbeddedKafka.create(Files.createTempDirectory("orders-example-kafka-"), EmbeddedKafka.freePort(),
                EmbeddedKafka.freePort()).start();
    }

    private static boolean namesKafka(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--mailroom.kafka.bootstrap-servers=")) {
                return true;
            }
        }
        return false;
    }
}
