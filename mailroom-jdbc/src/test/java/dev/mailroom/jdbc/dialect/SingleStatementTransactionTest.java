package dev.mailroom.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which relay settings make one bookkeeping statement (an abandoned partition batch's journal delete) need a transaction. */
class SingleStatementTransactionTest {

    @Test
    void onlyPostgresqlsAsynchronousCommitNeedsATransactionAroundOneStatement() {
        assertThat(SqlDialect.postgresql().singleStatementNeedsTransaction(new RelayTransaction(false, true, null)))
                .as("synchronous_commit is set per transaction").isTrue();
        assertThat(SqlDialect.postgresql().singleStatementNeedsTransaction(
                new RelayTransaction(false, false, Duration.ofSeconds(45)))).isFalse();
        assertThat(SqlDialect.mariadb().singleStatementNeedsTransaction(
                new RelayTransaction(false, true, Duration.ofSeconds(45)))).isFalse();
    }
}
