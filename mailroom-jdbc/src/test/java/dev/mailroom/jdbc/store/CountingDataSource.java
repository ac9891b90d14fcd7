package dev.mailroom.jdbc.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** A data source that counts the connections taken from it: each try of a store transaction takes one. */
final class CountingDataSource {

    private final AtomicInteger connections = new AtomicInteger();
    private final DataSource dataSource;

    CountingDataSource(DataSource target) {
        this.dataSource = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Connections taken since the last call. */
    int taken() {
        return connections.getAndSet(0);
    }

    /** Connections taken since the last {@link #taken()}, without counting again from zero. */
    int takenSoFar() {
        return connections.get();
    }
}
