package dev.mailroom.relay;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Data sources that count the connections taken from them and the transaction conflicts their
 * connections' statements and commits raise, by code: deadlocks and lock-wait timeouts (MariaDB
 * 1213, 1205), serialization failures and deadlocks (PostgreSQL 40001, 40P01). Everything else
 * passes through unchanged, unless the data sources {@linkplain #injectingConflicts inject conflicts}.
 */
final class CountingDataSource {

    private static final Set<Integer> MARIADB_CONFLICTS = Set.of(1213, 1205);
    private static final Set<String> POSTGRES_CONFLICTS = Set.of("40001", "40P01");

    private final Map<String, LongAdder> conflicts = new ConcurrentHashMap<>();
    private final LongAdder connections = new LongAdder();
    private final LongAdder injected = new LongAdder();
    /** Raises the conflict a commit is refused with instead of committing; null: never. */
    private final Supplier<SQLException> conflict;
    private final Random random;
    private final int injectPercent;

    CountingDataSource() {
        this(null, 0, 0);
    }

    private CountingDataSource(Supplier<SQLException> conflict, long seed, int injectPercent) {
        this.conflict = conflict;
        this.random = new Random(seed);
        this.injectPercent = injectPercent;
    }

    /**
     * Data sources whose connections refuse about {@code percent} % of their commits (a seeded
     * share) with {@code conflict} instead of committing, as the database does with a transaction
     * it chose as a deadlock victim; the caller rolls back. Injected conflicts are counted as conflicts too.
     */
    static CountingDataSource injectingConflicts(Supplier<SQLException> conflict, long seed, int percent) {
        return new CountingDataSource(conflict, seed, percent);
    }

    /** {@code dataSource} with every connection it gives counted. */
    DataSource wrap(DataSource dataSource) {
        return proxy(DataSource.class, dataSource);
    }

    /** Conflicts seen so far, by vendor code (MariaDB) or SQL state (PostgreSQL). */
    Map<String, Long> conflictsByCode() {
        Map<String, Long> counts = new TreeMap<>();
        conflicts.forEach((code, count) -> counts.put(code, count.sum()));
        return counts;
    }

    /** Connections taken so far from the wrapped data sources. */
    long connectionsTaken() {
        return connections.sum();
    }

    /** Commits refused by injection so far. */
    long injected() {
        return injected.sum();
    }

    long conflicts() {
        return conflicts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private <T> T proxy(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            Object result;
            try {
                if (target instanceof Connection && method.getName().equals("commit") && inject()) {
                    SQLException refused = conflict.get();
                    injected.increment();
                    count(refused);
                    throw refused;
                }
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException error) {
                    count(error);
                }
                throw e.getCause();
            }
            if (target instanceof DataSource && result instanceof Connection) {
                connections.increment();
            }
            return wrapped(method.getReturnType(), result);
        }));
    }

    /** Connections and statements are counted too; whatever else a call returns is returned as it is. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object wrapped(Class<?> returnType, Object result) {
        if (result != null && (returnType == Connection.class || Statement.class.isAssignableFrom(returnType))) {
            return proxy((Class) returnType, result);
        }
        return result;
    }

    private boolean inject() {
        if (conflict == null) {
            return false;
        }
        synchronized (random) {
            return random.nextInt(100) < injectPercent;
        }
    }

    private void count(SQLException error) {
        String code = null;
        if (MARIADB_CONFLICTS.contains(error.getErrorCode())) {
            code = Integer.toString(error.getErrorCode());
        } else if (error.getErrorCode() == 0 && POSTGRES_CONFLICTS.contains(error.getSQLState())) {
            code = error.getSQLState();
        }
        if (code != null) {
            conflicts.computeIfAbsent(code, c -> new LongAdder()).increment();
        }
    }
}
