package dev.mailroom.testkit.db;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** One {@link TestDatabase} per test class, closed (dropped) when the class is done. */
abstract class TestDatabaseExtension implements ParameterResolver {

    abstract TestDatabase create(ExtensionContext context);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        ExtensionContext.Store store = classContext.getStore(
                ExtensionContext.Namespace.create(getClass(), classContext.getRequiredTestClass()));
        return store.getOrComputeIfAbsent("database", key -> create(classContext), TestDatabase.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
