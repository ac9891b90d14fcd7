package dev.mailroom.relay;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.transport.InProcessTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * A relay in a process of its own, for tests that stop it with {@code SIGSTOP}. It stops itself
 * once, at the pause point, printing a line so the test knows it is there, and goes on when a line
 * arrives on stdin:
 * <ul>
 *   <li>{@code SEND}: in its first send, printing {@code SENDING <event id>};</li>
 *   <li>{@code COMMIT}: before the first settlement's commit reaches the database, printing
 *   {@code COMMITTING}: in the first commit after a statement that marks rows published or, where
 *   that statement carries its commit (PostgreSQL's row-lock settlement), before it is prepared.</li>
 * </ul>
 * It prints {@code SENT <event id>} for every send and logs to stdout.
 *
 * <p>Arguments: JDBC URL, user, password, claim mode, pause point, lease and send timeout in
 * milliseconds. The database (PostgreSQL or MariaDB) is read from the URL's connections.
 */
public final class PausableRelayMain {

    enum PausePoint { SEND, COMMIT }

    private static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private static final AtomicBoolean PAUSED_ONCE = new AtomicBoolean();

    private PausableRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        PausePoint pausePoint = PausePoint.valueOf(args[4]);
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(args[0]);
        pool.setUsername(args[1]);
        pool.setPassword(args[2]);
        pool.setMaximumPoolSize(4);
        InProcessTransport transport = new InProcessTransport().subscribe(RelayFixture.TOPIC, envelope -> {
            if (pausePoint == PausePoint.SEND) {
                pauseOnce("SENDING " + envelope.eventId());
            }
            System.out.println("SENT " + envelope.eventId());
        });
        Relay.builder(pausePoint == PausePoint.COMMIT ? pausingBeforeSettlingCommits(pool) : pool, RelayFixture.ROUTES,
                        transport)
                .service("orders").owner("paused-relay").claimMode(ClaimMode.valueOf(args[3]))
                .lease(Duration.ofMillis(Long.parseLong(args[5]))).sendTimeout(Duration.ofMillis(Long.parseLong(args[6])))
                .reapInterval(Duration.ofMillis(200)).build().start();
        new CountDownLatch(1).await();
    }

    /** The first time only: tells the test it is at the pause point, then waits for a line on stdin. */
    private static void pauseOnce(String line) {
        if (PAUSED_ONCE.compareAndSet(false, true)) {
            System.out.println(line);
            try {
                STDIN.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Connections pausing in {@code commit()} after they prepared a statement that marks rows
     * published, or before they prepare one that commits itself.
     */
    private static DataSource pausingBeforeSettlingCommits(DataSource pool) {
        return proxy(DataSource.class, pool, (method, args) -> {
            Object result = method.invoke(pool, args);
            return method.getName().equals("getConnection") ? pausingConnection((Connection) result) : result;
        });
    }

    private static Connection pausingConnection(Connection connection) {
        AtomicBoolean settling = new AtomicBoolean();
        return proxy(Connection.class, connection, (method, args) -> {
            if (method.getName().equals("prepareStatement") && ((String) args[0]).contains("SET status = 'published'")) {
                if (((String) args[0]).contains("; COMMIT")) {
                    pauseOnce("COMMITTING");
                } else {
                    settling.set(true);
                }
            }
            if (method.getName().equals("commit") && settling.getAndSet(false)) {
                pauseOnce("COMMITTING");
            }
            return method.invoke(connection, args);
        });
    }

    @FunctionalInterface
    private interface Call {
        Object invoke(Method method, Object[] args) throws Exception;
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
