package dev.mailroom.spring.autoconfigure;

import dev.mailroom.jdbc.dialect.SqlDialect;
import dev.mailroom.jdbc.schema.SchemaMigrator;
import dev.mailroom.routing.RouteRegistry;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;

/**
 * With {@code mailroom.schema.initialize=always}: brings every routed service's outbox table and the
 * shared operations tables to the newest version when the context starts, before any relay,
 * consumer or ledger bean is built (inbox and ledger tables are migrated by their own beans).
 * Idempotent and safe from several instances at once (the migrator takes a database lock).
 */
public final class MailroomSchemaInitializer implements InitializingBean {

    private final DataSource dataSource;
    private final RouteRegistry routes;
    private Map<String, List<Integer>> applied = Map.of();

    MailroomSchemaInitializer(DataSource dataSource, RouteRegistry routes) {
        this.dataSource = dataSource;
        this.routes = routes;
    }

    @Override
    public void afterPropertiesSet() {
        applied = new SchemaMigrator(dataSource, SqlDialect.detect(dataSource)).migrate(routes);
    }

    /** The versions applied at start per service (empty lists when the tables were up to date). */
    public Map<String, List<Integer>> applied() {
        return applied;
    }
}
