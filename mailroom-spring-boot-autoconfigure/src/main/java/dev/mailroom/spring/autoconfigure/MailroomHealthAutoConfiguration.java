package dev.mailroom.spring.autoconfigure;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.spring.actuate.MailroomHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/** The {@code mailroom} health indicator, when Spring Boot's health support is present and it is enabled. */
@AutoConfiguration(after = MailroomAdminAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBean(MailroomAdmin.class)
@ConditionalOnEnabledHealthIndicator("mailroom")
public class MailroomHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "mailroomHealthIndicator")
    MailroomHealthIndicator mailroomHealthIndicator(MailroomAdmin admin, MailroomProperties properties,
                                                    ObjectProvider<MailroomRelays> relays,
                                                    ObjectProvider<MailroomConsumers> consumers) {
        MailroomProperties.Health health = properties.getHealth();
        if (health.getOldestUndeliveredThreshold() != null && (health.getOldestUndeliveredThreshold().isNegative()
                || health.getOldestUndeliveredThreshold().isZero())) {
            throw PropertyErrors.invalid("mailroom.health.oldest-undelivered-threshold",
                    health.getOldestUndeliveredThreshold(), "must be positive");
        }
        Status backlog = health.getBacklogStatus() == MailroomProperties.BacklogStatus.DOWN ? Status.DOWN
                : Status.OUT_OF_SERVICE;
        return new MailroomHealthIndicator(admin, relays.getIfAvailable(), consumers.getIfAvailable(),
                health.getOldestUndeliveredThreshold(), backlog);
    }
}
