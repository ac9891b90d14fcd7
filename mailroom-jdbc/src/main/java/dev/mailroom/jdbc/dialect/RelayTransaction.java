package dev.mailroom.jdbc.dialect;

import java.time.Duration;

/**
 * How one of the relay's own transactions is set up.
 *
 * @param claim              the transaction claims rows (index-only plans where the dialect needs them)
 * @param asynchronousCommit its commit may skip the log flush, where the dialect can do that per transaction
 * @param lockTimeout        longest the transaction may sit idle or run one statement before the
 *                           database ends the session (so a hung relay holds no lock longer); null: no limit
 */
public record RelayTransaction(boolean claim, boolean asynchronousCommit, Duration lockTimeout) {
}
