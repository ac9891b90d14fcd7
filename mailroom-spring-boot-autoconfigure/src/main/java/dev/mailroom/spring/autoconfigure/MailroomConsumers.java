package dev.mailroom.spring.autoconfigure;

import dev.mailroom.consumer.ConsumerRunner;
import dev.mailroom.consumer.HandlerTransactions;
import dev.mailroom.consumer.PayloadReader;
import dev.mailroom.retry.RetryPolicy;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.spring.MailroomJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One {@link ConsumerRunner} per consumer group that has handler beans, as one lifecycle bean: built
 * (settings checked, inbox tables created when {@code mailroom.schema.initialize=always}) with the
 * context, started once every singleton is ready, closed when the context closes, before the
 * {@code DataSource}. Each handler runs in a transaction of the application's transaction manager
 * that also records the event in the group's inbox.
 */
public final class MailroomConsumers extends MailroomLifecycle<ConsumerRunner> {

    MailroomConsumers(Map<String, ConsumerRunner> runners) {
        super(runners);
    }

    @Override
    void start(ConsumerRunner runner) {
        runner.start();
    }

    record Wiring(DataSource dataSource, RouteRegistry routes, String bootstrapServers, Map<String, String> kafka,
                  MailroomJson json, HandlerTransactions transactions, Object meterRegistry, boolean migrate) {
    }

    static MailroomConsumers build(List<HandlerBinding> handlers, MailroomProperties.ConsumerSettings settings,
                                   Wiring wiring) {
        Map<String, List<HandlerBinding>> byGroup = new LinkedHashMap<>();
        handlers.forEach(handler -> byGroup.computeIfAbsent(handler.group(), g -> new ArrayList<>()).add(handler));
        if (!byGroup.isEmpty() && (wiring.bootstrapServers() == null || wiring.bootstrapServers().isBlank())) {
            throw PropertyErrors.invalid("mailroom.kafka.bootstrap-servers", "(unset)", "the handlers of consumer"
                    + " groups " + byGroup.keySet() + " need a Kafka cluster: set mailroom.kafka.bootstrap-servers"
                    + " (or spring.kafka.bootstrap-servers), or mailroom.consumer.enabled=false");
        }
        RetryPolicy retry = RetryPolicies.from("mailroom.consumer", settings.getRetry(), "max-attempts",
                settings.getMaxAttempts());
        PayloadReader payloads = new PayloadReader() {
            @Override
            public <T> T read(byte[] payload, Class<T> type) throws Exception {
                return wiring.json().read(payload, type);
            }
        };
        Map<String, ConsumerRunner> runners = new LinkedHashMap<>();
        for (Map.Entry<String, List<HandlerBinding>> group : byGroup.entrySet()) {
            runners.put(group.getKey(), runner(group.getKey(), group.getValue(), settings, wiring, retry, payloads));
        }
        if (wiring.migrate()) {
            runners.values().forEach(ConsumerRunner::migrate);
        }
        return new MailroomConsumers(runners);
    }

    private static ConsumerRunner runner(String group, List<HandlerBinding> handlers,
                                         MailroomProperties.ConsumerSettings settings, Wiring wiring,
                                         RetryPolicy retry, PayloadReader payloads) {
        PropertyErrors errors = new PropertyErrors("mailroom.consumer");
        ConsumerRunner.Builder builder = ConsumerRunner.builder(wiring.dataSource(), wiring.routes(),
                        wiring.bootstrapServers())
                .group(group)
                .retryPolicy(retry)
                .batchSize(errors.note("batchSize", "batch-size", settings.getBatchSize()))
                .lease(errors.note("lease", "lease", settings.getLease()))
                .unhealthyAfter(errors.note("unhealthyAfter", "unhealthy-after", settings.getUnhealthyAfter()))
                .sharedOutbox(settings.isSharedOutbox())
                .unknownTypes(settings.getUnknownTypes())
                .consumerConfig(new HashMap<>(wiring.kafka()))
                .payloadReader(payloads)
                .handlerTransactions(wiring.transactions());
        String inboxTable = settings.getInboxTables().get(group);
        if (inboxTable != null) {
            builder.inboxTable(errors.note("inboxTable", "inbox-tables[" + group + "]", inboxTable));
        }
        if (wiring.meterRegistry() != null) {
            builder.meterRegistry((MeterRegistry) wiring.meterRegistry());
        }
        Map<String, String> sources = new HashMap<>();
        for (HandlerBinding handler : handlers) {
            String earlier = sources.putIfAbsent(handler.eventType(), handler.source());
            if (earlier != null) {
                throw new IllegalStateException("Event type '" + handler.eventType() + "' has two handlers in consumer"
                        + " group '" + group + "': " + earlier + " and " + handler.source());
            }
            builder.handler(handler.eventType(), handler.payloadType(), handler.versions(), handler.validator(),
                    handler.handler());
        }
        if (wiring.routes().services().stream().noneMatch(service -> service.consumerGroup().equals(group))) {
            throw new IllegalStateException("No service routes its events to consumer group '" + group + "', which "
                    + sources.values() + " name; set mailroom.services.<service>.consumer-group");
        }
        return errors.build(builder::build);
    }

    /** The runners by consumer group. */
    public Map<String, ConsumerRunner> runners() {
        return workers();
    }
}
