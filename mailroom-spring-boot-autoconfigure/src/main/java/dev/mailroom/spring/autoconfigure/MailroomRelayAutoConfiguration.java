package dev.mailroom.spring.autoconfigure;

import dev.mailroom.kafka.KafkaTransport;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.transport.Transport;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The relays: one per routed service (or per {@code mailroom.relay.services}), delivering through the
 * application's {@link Transport} bean or a {@link KafkaTransport} built from {@code mailroom.kafka.*}.
 */
@AutoConfiguration(after = MailroomAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "mailroom.relay.enabled", matchIfMissing = true)
@ConditionalOnBean(RouteRegistry.class)
public class MailroomRelayAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(Transport.class)
    KafkaTransport mailroomKafkaTransport(MailroomProperties properties, Environment environment) {
        MailroomProperties.Kafka kafka = properties.getKafka();
        String servers = KafkaSettings.bootstrapServers(kafka, environment);
        if (servers == null) {
            throw PropertyErrors.invalid("mailroom.kafka.bootstrap-servers", "(unset)", "the relays need a Kafka"
                    + " cluster: set mailroom.kafka.bootstrap-servers (or spring.kafka.bootstrap-servers), define a"
                    + " Transport bean, or set mailroom.relay.enabled=false");
        }
        PropertyErrors errors = new PropertyErrors("mailroom.kafka");
        Map<String, Object> clientConfig = new LinkedHashMap<>(kafka.getProperties());
        KafkaTransport.Builder builder = KafkaTransport.builder(errors.note("bootstrapServers", "bootstrap-servers", servers))
                .clientConfig(clientConfig)
                .deliveryTimeout(errors.note("deliveryTimeout", "delivery-timeout", kafka.getDeliveryTimeout()))
                .adminTimeout(errors.note("adminTimeout", "admin-timeout", kafka.getAdminTimeout()))
                .lingerMs(errors.note("lingerMs", "linger-ms", kafka.getLingerMs()));
        if (kafka.getCreateMissingTopicsPartitions() != null) {
            errors.note("new topics", "create-missing-topics-partitions", kafka.getCreateMissingTopicsPartitions());
            builder.createMissingTopics(kafka.getCreateMissingTopicsPartitions(), kafka.getCreateMissingTopicsReplication());
        }
        return errors.build(builder::build);
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    MailroomRelays mailroomRelays(DataSource dataSource, RouteRegistry routes, Transport transport,
                                  MailroomProperties properties, Environment environment,
                                  ConfigurableListableBeanFactory beans, ObjectProvider<MailroomSchemaInitializer> schema) {
        schema.ifAvailable(initialized -> { });
        return MailroomRelays.build(dataSource, routes, transport,
                new ServiceRelaySettings(properties.getRelay(), Binder.get(environment)),
                MicrometerSupport.registry(beans));
    }
}
