package dev.mailroom.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.transport.DeliveryException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaTransportStartTest {

    @Test
    void aBrokerThatIsDownGivesAClearErrorAtStartNotAHang() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KafkaTransport transport = KafkaTransport.builder("127.0.0.1:" + closedPort)
                .adminTimeout(Duration.ofSeconds(2)).build()) {
            assertThatThrownBy(() -> transport.verifyDestinations(List.of("orders.events")))
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort)
                    .hasMessageContaining("did not answer");
        }
    }

    @Test
    void brokenSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> KafkaTransport.builder(" ").build()).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> KafkaTransport.builder("h:1").deliveryTimeout(Duration.ofMillis(10)).build())
                .hasMessageContaining("deliveryTimeout");
        assertThatThrownBy(() -> KafkaTransport.builder("h:1").lingerMs(-1).build()).hasMessageContaining("lingerMs");
    }
}
