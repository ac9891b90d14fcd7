package dev.mailroom.testkit.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link KafkaBroker} parameters with one broker started on first use and shared by the
 * whole test run; JUnit closes it (and deletes its data) when the run ends. A test that stops the
 * shared broker must restart it before it returns.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KafkaBroker broker = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> KafkaBroker.start(), KafkaBroker.class);
        broker.restart();
        return broker;
    }
}
