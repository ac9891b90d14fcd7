package dev.mailroom.spring.autoconfigure;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/** The transaction manager Mailroom's own transactions run with. */
final class SpringTransactions {

    private SpringTransactions() {
    }

    /** The application's (unique or primary) transaction manager, else one for the DataSource alone. */
    static PlatformTransactionManager managerFor(ObjectProvider<PlatformTransactionManager> managers,
                                                DataSource dataSource) {
        PlatformTransactionManager manager = managers.getIfUnique();
        return manager != null ? manager : new DataSourceTransactionManager(dataSource);
    }
}
