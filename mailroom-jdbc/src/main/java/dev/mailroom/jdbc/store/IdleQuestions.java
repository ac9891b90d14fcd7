package dev.mailroom.jdbc.store;

import dev.mailroom.jdbc.dialect.OutboxOperations;
import dev.mailroom.jdbc.dialect.OutboxOperations.IdleFacts;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * What a row-lock claim whose window yields nothing asks before it sleeps. Where the dialect can
 * (PostgreSQL) the first question asks them all in one statement and the rest read its answers: four
 * round trips fewer for each claim that finds nothing, which the relay makes after most batches at
 * low rates. Elsewhere each is asked on its own, when needed. Answers read from the one statement may
 * be a statement or two old: they decide whether the claim looks past its window, whether it counts
 * lost claims and how long the relay sleeps, and an insert wakes it. The one statement locks the
 * unheld claim record it finds (see {@link #sawLostClaim}).
 */
final class IdleQuestions {

    private final Connection connection;
    private final OutboxOperations operations;
    private IdleFacts facts;

    IdleQuestions(Connection connection, OutboxOperations operations) {
        this.connection = connection;
        this.operations = operations;
    }

    /** Whether a waiting retry or a held key may hold rows back beyond the window (see {@link ClaimOrder}). */
    boolean keysHeldBack() throws SQLException {
        return atOnce() ? facts().retryWaiting() || facts().keyHeld()
                : operations.anyRetryWaiting(connection) || operations.anyKeyHeld(connection);
    }

    /**
     * Whether the questions, already asked, saw a claim journal record no transaction held: their
     * statement then locked it in this transaction, where the look for lost claims in the claim
     * record's own statement (another connection) would pass it by.
     */
    boolean sawLostClaim() {
        return facts != null && facts.lostClaim();
    }

    /** Whether a claim journal record may be unheld (always, where the dialect cannot tell at once). */
    boolean mayHoldLostClaims() throws SQLException {
        return !atOnce() || facts().lostClaim();
    }

    Optional<Duration> nextDueIn() throws SQLException {
        return atOnce() ? facts().nextDueIn() : operations.nextDueIn(connection);
    }

    boolean anyDuePending() throws SQLException {
        return atOnce() ? facts().duePending() : operations.anyDuePending(connection);
    }

    boolean anyKeyHeld() throws SQLException {
        return atOnce() ? facts().keyHeld() : operations.anyKeyHeld(connection);
    }

    private boolean atOnce() {
        return operations.answersIdleFactsAtOnce();
    }

    private IdleFacts facts() throws SQLException {
        if (facts == null) {
            facts = operations.idleFacts(connection);
        }
        return facts;
    }
}
