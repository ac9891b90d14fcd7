package dev.mailroom.jdbc.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A data source that notes each statement sent to the server (its first word) and each commit the
 * driver sends, on every connection taken from it: what a store operation costs in round trips.
 */
final class StatementCountingDataSource {

    private final List<String> sent = new ArrayList<>();
    private final DataSource dataSource;

    StatementCountingDataSource(DataSource target) {
        this.dataSource = proxy(DataSource.class, target, (method, args, result) ->
                method.getName().equals("getConnection") ? connection((Connection) result) : result);
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** First words of the statements sent since the last call (COMMIT for a commit), in order. */
    synchronized List<String> sent() {
        List<String> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }

    private synchronized void note(String sql) {
        sent.add(sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
    }

    private Connection connection(Connection target) {
        return proxy(Connection.class, target, (method, args, result) -> {
            switch (method.getName()) {
                case "createStatement" -> {
                    return statement(Statement.class, (Statement) result, null);
                }
                case "prepareStatement" -> {
                    return statement(PreparedStatement.class, (PreparedStatement) result, (String) args[0]);
                }
                default -> {
                }
            }
            return result;
        }, (method, args) -> {
            if (method.getName().equals("commit") && transactionOpen(target)) {
                note("COMMIT");
            }
        });
    }

    /** pgJDBC sends nothing for a commit when the server said the transaction had ended (a statement committed it). */
    private static boolean transactionOpen(Connection connection) {
        try {
            return !connection.isWrapperFor(BaseConnection.class)
                    || connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private <S extends Statement> S statement(Class<S> type, S target, String preparedSql) {
        return proxy(type, target, (method, args, result) -> result, (method, args) -> {
            if (method.getName().startsWith("execute")) {
                note(preparedSql != null ? preparedSql : args == null ? "BATCH" : (String) args[0]);
            }
        });
    }

    @FunctionalInterface
    private interface After {
        Object apply(Method method, Object[] args, Object result) throws Exception;
    }

    @FunctionalInterface
    private interface Before {
        void accept(Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        return proxy(type, target, after, (method, args) -> { });
    }

    private static <T> T proxy(Class<T> type, T target, After after, Before before) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            before.accept(method, args);
            try {
                return after.apply(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
