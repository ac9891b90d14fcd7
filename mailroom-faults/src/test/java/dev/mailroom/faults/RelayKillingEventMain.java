package dev.mailroom.faults;

import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.Transport;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * {@link RelayMain} whose process dies (halts, as a crash would end it) whenever it is about to send
 * the event of key {@value #KILLER_KEY}: an event that kills its relay every time it is sent.
 *
 * <p>Arguments: those of {@link RelayMain}.
 */
public final class RelayKillingEventMain {

    static final String KILLER_KEY = "relay-killer";

    private RelayKillingEventMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildMain.exitWithParent();
        KafkaTransport kafka = RelayMain.kafka(args);
        RelayMain.run(RelayMain.pool(args), args, new Transport() {
            @Override
            public String name() {
                return kafka.name();
            }

            @Override
            public void verifyDestinations(Collection<String> destinations) {
                kafka.verifyDestinations(destinations);
            }

            @Override
            public CompletableFuture<Void> send(Envelope envelope) {
                if (KILLER_KEY.equals(envelope.key())) {
                    ChildMain.marker("DYING " + envelope.eventId());
                    Runtime.getRuntime().halt(9);
                }
                return kafka.send(envelope);
            }

            @Override
            public void close() {
                kafka.close();
            }
        });
    }
}
