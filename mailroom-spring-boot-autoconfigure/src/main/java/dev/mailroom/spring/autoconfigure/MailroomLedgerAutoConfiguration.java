package dev.mailroom.spring.autoconfigure;

import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.spring.LedgerItemExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;

/**
 * The compensation ledger ({@code mailroom.ledger.enabled=true}) with the application's
 * {@link LedgerItemExecutor} beans, and a worker that retries open items as a lifecycle bean.
 */
@AutoConfiguration(after = MailroomAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "mailroom.ledger.enabled")
@ConditionalOnBean(RouteRegistry.class)
public class MailroomLedgerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    CompensationLedger mailroomCompensationLedger(DataSource dataSource, MailroomProperties properties,
                                                  ObjectProvider<LedgerItemExecutor> executors,
                                                  ConfigurableListableBeanFactory beans,
                                                  ObjectProvider<MailroomSchemaInitializer> schema) {
        schema.ifAvailable(initialized -> { });
        MailroomProperties.Ledger settings = properties.getLedger();
        PropertyErrors errors = new PropertyErrors("mailroom.ledger");
        CompensationLedger.Builder builder = CompensationLedger.builder(dataSource);
        errors.build(() -> builder.table(errors.note("table", "table", settings.getTable())));
        builder.retryPolicy(RetryPolicies.from("mailroom.ledger", settings.getRetry(), "max-attempts",
                        settings.getMaxAttempts()))
                .batchSize(errors.note("batchSize", "batch-size", settings.getBatchSize()))
                .lease(errors.note("lease", "lease", settings.getLease()))
                .idleWait(errors.note("idleWait", "idle-wait", settings.getIdleWait()));
        executors.orderedStream().forEach(executor -> builder.executor(executor.operationType(), executor));
        Object registry = MicrometerSupport.registry(beans);
        if (registry != null) {
            builder.meterRegistry((MeterRegistry) registry);
        }
        CompensationLedger ledger = errors.build(builder::build);
        if (properties.getSchema().getInitialize() == MailroomProperties.SchemaInitialization.ALWAYS) {
            ledger.migrate();
        }
        return ledger;
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "mailroom.ledger.worker", matchIfMissing = true)
    MailroomLedgerWorker mailroomLedgerWorker(CompensationLedger ledger) {
        return new MailroomLedgerWorker(ledger);
    }
}
