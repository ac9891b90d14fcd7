package dev.mailroom.relay;

import static dev.mailroom.relay.RelayFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.testkit.db.TestDatabase;
import dev.mailroom.testkit.db.WithPostgres;
import dev.mailroom.transport.Envelope;
import dev.mailroom.transport.InProcessTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

@WithPostgres
class RelayBadRowsPostgresTest extends RelayBadRowsContract {

    RelayBadRowsPostgresTest(TestDatabase database) {
        super(database);
    }

    /**
     * Partition-leased settlements name rows by id and creation time; a creation time Java cannot
     * write back as SQL reads it ('infinity', '-infinity', a year past 9999) must not keep its batch,
     * or the rows of other keys in it, from being settled.
     */
    @ParameterizedTest
    @ArgumentsSource(ClaimModesOfTheDatabase.class)
    void rowsWithCreationTimesAtTheEdgesOfTheCalendarAreDeliveredOnceWithTheRestOfTheirBatch(ClaimMode mode)
            throws Exception {
        List<Envelope> received = Collections.synchronizedList(new ArrayList<>());
        InProcessTransport transport = new InProcessTransport().subscribe(TOPIC, received::add);
        outbox.execute("INSERT INTO orders_outbox (event_type, event_key, payload, created_at) VALUES"
                + " ('order.placed', 'a', convert_to('{\"seq\":0}', 'UTF8'), 'infinity'),"
                + " ('order.placed', 'b', convert_to('{\"seq\":0}', 'UTF8'), '-infinity'),"
                + " ('order.placed', 'c', convert_to('{\"seq\":0}', 'UTF8'), '20000-01-01 00:00:00+00'),"
                + " ('order.placed', 'd', convert_to('{\"seq\":0}', 'UTF8'), '4000-01-01 00:00:00+00 BC'),"
                + " ('order.placed', 'e', convert_to('{\"seq\":0}', 'UTF8'), now())");
        try (Relay relay = outbox.relay(transport).claimMode(mode).build().start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count("status = 'published'") == 5);
        }
        assertThat(received).extracting(Envelope::key).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        assertThat(outbox.count("status <> 'published'")).isZero();
    }
}
