package dev.mailroom.faults;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * {@link RelayMain} stopping once at a named point of its n-th settlement (n from 1 to 5, from the
 * seed), printing {@code @AT <point>} and waiting there for the test's SIGKILL:
 * <ul>
 *   <li>{@code SETTLE}: the batch sent and acknowledged, its settlement statement about to be
 *   prepared (nothing recorded: the batch is sent again);</li>
 *   <li>{@code COMMIT}: the settlement committed in the database, the commit not yet returned to the
 *   relay.</li>
 * </ul>
 * Settlements are found by their SQL ({@code SET status = 'published'}) on the relay's connections.
 *
 * <p>Arguments: those of {@link RelayMain}, then the point and a seed.
 */
public final class NamedPointRelayMain {

    enum Point { SETTLE, COMMIT }

    private static final AtomicInteger SETTLEMENTS = new AtomicInteger();
    private static final AtomicBoolean STOPPED_ONCE = new AtomicBoolean();

    private NamedPointRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildMain.exitWithParent();
        Point point = Point.valueOf(args[8]);
        int stopAt = 1 + new Random(Long.parseLong(args[9])).nextInt(5);
        DataSource pool = RelayMain.pool(args);
        DataSource stopping = proxy(DataSource.class, pool, (method, callArgs) -> {
            Object result = method.invoke(pool, callArgs);
            return method.getName().equals("getConnection") ? stopping((Connection) result, point, stopAt) : result;
        });
        RelayMain.run(stopping, Arrays.copyOf(args, 8), RelayMain.kafka(args));
    }

    private static Connection stopping(Connection connection, Point point, int stopAt) {
        AtomicBoolean settling = new AtomicBoolean();
        return proxy(Connection.class, connection, (method, callArgs) -> {
            boolean settlement = method.getName().equals("prepareStatement")
                    && ((String) callArgs[0]).contains("SET status = 'published'");
            if (settlement && point == Point.SETTLE && SETTLEMENTS.incrementAndGet() == stopAt) {
                stopHere(point);
            }
            if (settlement && point == Point.COMMIT) {
                settling.set(true);
            }
            Object result = method.invoke(connection, callArgs);
            if (method.getName().equals("commit") && settling.getAndSet(false)
                    && SETTLEMENTS.incrementAndGet() == stopAt) {
                stopHere(point);
            }
            return result;
        });
    }

    private static void stopHere(Point point) {
        if (STOPPED_ONCE.compareAndSet(false, true)) {
            ChildMain.marker("AT " + point);
            LockSupport.parkNanos(Duration.ofSeconds(60).toNanos());
        }
    }

    @FunctionalInterface
    private interface Call {
        Object invoke(java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            try {
                return call.invoke(method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
