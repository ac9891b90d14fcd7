package dev.mailroom.spring.autoconfigure;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.ledger.CompensationLedger;
import dev.mailroom.routing.RouteRegistry;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The operator operations ({@link MailroomAdmin}) over this application's outboxes, its consumers'
 * inboxes and its ledger: what the health indicator and the Actuator endpoint read. Read-only unless
 * {@code mailroom.admin.writes-enabled=true}.
 */
@AutoConfiguration(after = {MailroomAutoConfiguration.class, MailroomConsumerAutoConfiguration.class,
        MailroomLedgerAutoConfiguration.class, MailroomRelayAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBean(RouteRegistry.class)
public class MailroomAdminAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MailroomAdmin mailroomAdmin(DataSource dataSource, RouteRegistry routes, MailroomProperties properties,
                                ObjectProvider<MailroomConsumers> consumers, ObjectProvider<CompensationLedger> ledger) {
        PropertyErrors errors = new PropertyErrors("mailroom.admin");
        return errors.build(() -> {
            MailroomAdmin.Builder builder = MailroomAdmin.builder(dataSource, routes)
                    .writesEnabled(properties.getAdmin().isWritesEnabled())
                    .relayExpiry(errors.note("relayExpiry", "relay-expiry", properties.getAdmin().getRelayExpiry()));
            consumers.ifAvailable(found -> found.runners().forEach((group, runner) ->
                    builder.inbox(group, runner.inboxTable().qualified())));
            ledger.ifAvailable(builder::ledger);
            return builder.build();
        });
    }
}
