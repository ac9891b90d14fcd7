package dev.mailroom.spring.autoconfigure;

import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.spring.MailroomJson;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The consumers: a runner per consumer group that has handler beans ({@code @MailroomHandler}
 * methods and {@code MailroomEventHandler} beans), each handler run in a transaction of the
 * application's transaction manager that also records the event in the group's inbox.
 */
@AutoConfiguration(after = MailroomAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "mailroom.consumer.enabled", matchIfMissing = true)
@ConditionalOnBean(RouteRegistry.class)
public class MailroomConsumerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    MailroomConsumers mailroomConsumers(DataSource dataSource, RouteRegistry routes, MailroomJson json,
                                        MailroomProperties properties, Environment environment,
                                        ConfigurableListableBeanFactory beans,
                                        ObjectProvider<PlatformTransactionManager> transactionManager,
                                        ObjectProvider<MailroomSchemaInitializer> schema) {
        schema.ifAvailable(initialized -> { });
        MailroomConsumers.Wiring wiring = new MailroomConsumers.Wiring(dataSource, routes,
                KafkaSettings.bootstrapServers(properties.getKafka(), environment), properties.getKafka().getProperties(),
                json, new SpringHandlerTransactions(SpringTransactions.managerFor(transactionManager, dataSource),
                        dataSource, "mailroom-inbox"),
                MicrometerSupport.registry(beans),
                properties.getSchema().getInitialize() == MailroomProperties.SchemaInitialization.ALWAYS);
        return MailroomConsumers.build(HandlerDiscovery.discover(beans, routes), properties.getConsumer(), wiring);
    }
}
