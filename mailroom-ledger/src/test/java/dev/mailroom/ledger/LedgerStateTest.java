package dev.mailroom.ledger;

import static dev.mailroom.ledger.LedgerState.ABANDONED;
import static dev.mailroom.ledger.LedgerState.MANUAL_REQUIRED;
import static dev.mailroom.ledger.LedgerState.PENDING;
import static dev.mailroom.ledger.LedgerState.RESOLVED;
import static dev.mailroom.ledger.LedgerState.RETRYING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.routing.TableName;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LedgerStateTest {

    @Test
    void resolvedAndAbandonedAreFinalAndNothingLeavesThem() {
        assertThat(Arrays.stream(LedgerState.values()).filter(LedgerState::isFinal)).containsExactly(RESOLVED, ABANDONED);
        for (LedgerState target : LedgerState.values()) {
            assertThat(RESOLVED.canMoveTo(target)).isFalse();
            assertThat(ABANDONED.canMoveTo(target)).isFalse();
        }
    }

    @Test
    void theTransitionsAreTheDocumentedOnes() {
        assertThat(LedgerState.sourcesOf(RETRYING)).containsExactlyInAnyOrder(PENDING, RETRYING);
        assertThat(LedgerState.sourcesOf(MANUAL_REQUIRED)).containsExactlyInAnyOrder(PENDING, RETRYING);
        assertThat(LedgerState.sourcesOf(PENDING)).as("retry now").containsExactlyInAnyOrder(RETRYING, MANUAL_REQUIRED);
        assertThat(LedgerState.sourcesOf(RESOLVED)).containsExactlyInAnyOrder(PENDING, RETRYING, MANUAL_REQUIRED);
        assertThat(LedgerState.sourcesOf(ABANDONED)).containsExactlyInAnyOrder(PENDING, RETRYING, MANUAL_REQUIRED);
        assertThat(LedgerState.open()).containsExactlyInAnyOrder(PENDING, RETRYING);
        assertThat(MANUAL_REQUIRED.canMoveTo(RETRYING)).as("only an operator brings it back").isFalse();
    }

    @Test
    void dbValuesAreLowercaseNamesAndReadBack() {
        assertThat(MANUAL_REQUIRED.dbValue()).isEqualTo("manual_required");
        for (LedgerState state : LedgerState.values()) {
            assertThat(LedgerState.fromDbValue(state.dbValue())).isEqualTo(state);
        }
        assertThatThrownBy(() -> LedgerState.fromDbValue("dead")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sqlGuardsAreRenderedFromTheTransitionTable() {
        PostgresLedgerSql postgres = new PostgresLedgerSql(LedgerTables.of("ops.ledger"));
        MariaDbLedgerSql mariaDb = new MariaDbLedgerSql(LedgerTables.of("ops.ledger"));
        assertThat(postgres.claimDue()).contains("status IN ('pending', 'retrying')").contains("FOR UPDATE SKIP LOCKED")
                .contains("UPDATE ops.ledger ");
        assertThat(mariaDb.claimDue()).contains("status IN ('pending', 'retrying')").contains("FOR UPDATE SKIP LOCKED");
        for (String change : new String[] {postgres.change(LedgerChange.FAIL_LEASED),
                mariaDb.change(LedgerChange.FAIL_LEASED)}) {
            assertThat(change).contains("t.lease_owner = ? AND t.version = ? AND t.status IN ('pending', 'retrying')");
        }
        assertThat(postgres.change(LedgerChange.RESOLVE))
                .contains("t.version = ? AND t.status IN ('pending', 'retrying', 'manual_required')")
                .contains("INSERT INTO ops.ledger_audit ");
        assertThat(mariaDb.change(LedgerChange.RETRY_NOW))
                .contains("t.version = ? AND t.status IN ('retrying', 'manual_required')");
        assertThat(postgres.list(false, true, false)).contains("WHERE status = ? AND id > ? ORDER BY id LIMIT ?");
    }

    @Test
    void mariaDbDecidesTheNextStatusBeforeRaisingAttemptsAndQuotesTheLeaseOwnerBeforeClearingIt() {
        MariaDbLedgerSql sql = new MariaDbLedgerSql(LedgerTables.of("ledger"));
        String fail = sql.change(LedgerChange.FAIL_LEASED);
        assertThat(fail.indexOf("status = CASE WHEN attempts + 1 >= max_attempts")).isPositive()
                .isLessThan(fail.indexOf("attempts = attempts + 1"));
        String reclaim = sql.reclaim(2);
        assertThat(reclaim.indexOf("lease_owner, ' expired before its run was recorded'")).isPositive()
                .isLessThan(reclaim.indexOf("lease_owner = NULL"));
        assertThat(reclaim).doesNotContain("RETURNING");
    }

    @Test
    void tableNamesAreValidatedWithRoomForTheAuditSuffix() {
        assertThat(LedgerTables.of("ops.refunds").audit().qualified()).isEqualTo("ops.refunds_audit");
        assertThatThrownBy(() -> LedgerTables.of("Robert'); DROP TABLE x;--"))
                .isInstanceOf(dev.mailroom.routing.InvalidIdentifierException.class);
        assertThatThrownBy(() -> LedgerTables.of("l".repeat(TableName.MAX_NAME_LENGTH - 5)))
                .isInstanceOf(dev.mailroom.routing.InvalidIdentifierException.class).hasMessageContaining("audit");
    }
}
