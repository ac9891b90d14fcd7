package dev.mailroom.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/**
 * The application's {@link MeterRegistry}, if Micrometer is on the classpath and there is one.
 * Micrometer is optional: this class is the only one that names its types before they are known to
 * be there.
 */
final class MicrometerSupport {

    private static final boolean PRESENT = ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
            MicrometerSupport.class.getClassLoader());

    private MicrometerSupport() {
    }

    /** The unique (or primary) registry, or null. */
    static Object registry(ListableBeanFactory beans) {
        if (!PRESENT) {
            return null;
        }
        ObjectProvider<MeterRegistry> registries = beans.getBeanProvider(MeterRegistry.class);
        return registries.getIfUnique();
    }
}
