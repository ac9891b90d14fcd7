package dev.mailroom.spring.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailroom.event.PublishLimits;
import dev.mailroom.jdbc.publish.OutboxPublisher;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.spring.MailroomJson;
import dev.mailroom.spring.TransactionalOutboxPublisher;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Mailroom in a Spring Boot application: the routes (from {@code mailroom.services.*} unless the
 * application defines a {@link RouteRegistry} bean), the JSON mapper, opt-in schema initialisation and
 * the publisher that joins the current Spring transaction. Relays, consumers, the ledger, the operator
 * view, health and the Actuator endpoint have auto-configurations of their own. Every bean backs off
 * when the application defines one of its type; {@code mailroom.enabled=false} turns all of it off.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration"})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(MailroomProperties.class)
public class MailroomAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RouteRegistry mailroomRouteRegistry(MailroomProperties properties) {
        return RoutesFromProperties.build(properties.getServices());
    }

    @Bean
    @ConditionalOnProperty(name = "mailroom.schema.initialize", havingValue = "always")
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    MailroomSchemaInitializer mailroomSchemaInitializer(DataSource dataSource, RouteRegistry routes) {
        return new MailroomSchemaInitializer(dataSource, routes);
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxPublisher mailroomOutboxPublisher(RouteRegistry routes, MailroomProperties properties) {
        MailroomProperties.Publisher settings = properties.getPublisher();
        PropertyErrors errors = new PropertyErrors("mailroom.publisher");
        if (settings.getService() != null) {
            try {
                routes.service(settings.getService());
            } catch (RuntimeException e) {
                throw PropertyErrors.invalid("mailroom.publisher.service", settings.getService(), e.getMessage());
            }
        }
        PublishLimits limits = errors.build(() -> PublishLimits.defaults()
                .withMaxPayloadBytes(errors.note("maxPayloadBytes", "max-payload-bytes", settings.getMaxPayloadBytes()))
                .withMaxHeaderBytes(errors.note("maxHeaderBytes", "max-header-bytes", settings.getMaxHeaderBytes()))
                .withMaxKeyLength(errors.note("maxKeyLength", "max-key-length", settings.getMaxKeyLength()))
                .withMaxRecordBytes(errors.note("maxRecordBytes", "max-record-bytes", settings.getMaxRecordBytes())));
        OutboxPublisher.Builder builder = OutboxPublisher.builder(routes).limits(limits)
                .maxAttempts(errors.note("maxAttempts", "max-attempts", settings.getMaxAttempts()));
        if (settings.getService() != null) {
            builder.boundTo(settings.getService());
        }
        return errors.build(builder::build);
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionalOutboxPublisher mailroomTransactionalOutboxPublisher(OutboxPublisher publisher, DataSource dataSource,
            MailroomJson json, MailroomProperties properties,
            ObjectProvider<PlatformTransactionManager> transactionManager) {
        return new TransactionalOutboxPublisher(publisher, dataSource, json,
                properties.getPublisher().getWithoutTransaction(),
                SpringTransactions.managerFor(transactionManager, dataSource));
    }

    /**
     * Payload JSON through the application's mapper: its Jackson 3 {@code JsonMapper} (Spring Boot 4's
     * default), else its Jackson 2 {@code ObjectMapper}, else the plain Java consumer's default mapper.
     */
    @Bean
    @ConditionalOnMissingBean
    MailroomJson mailroomJson(ListableBeanFactory beans, ObjectProvider<ObjectMapper> jackson2) {
        MailroomJson jackson3 = Jackson3Json.ofApplication(beans);
        if (jackson3 != null) {
            return jackson3;
        }
        ObjectMapper application = jackson2.getIfUnique();
        return application != null ? new Jackson2Json(application) : Jackson2Json.defaults();
    }
}
