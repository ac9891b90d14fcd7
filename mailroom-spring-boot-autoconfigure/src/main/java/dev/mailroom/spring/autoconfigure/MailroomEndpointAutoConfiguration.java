package dev.mailroom.spring.autoconfigure;

import dev.mailroom.admin.MailroomAdmin;
import dev.mailroom.spring.actuate.MailroomEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code mailroom} Actuator endpoint, when Actuator is present and the endpoint is exposed. */
@AutoConfiguration(after = MailroomAdminAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBooleanProperty(name = "mailroom.enabled", matchIfMissing = true)
@ConditionalOnBean(MailroomAdmin.class)
public class MailroomEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    MailroomEndpoint mailroomEndpoint(MailroomAdmin admin) {
        return new MailroomEndpoint(admin);
    }
}
