package dev.mailroom.jdbc.dialect;

/**
 * The statements of one outbox table's claim journal ({@code <table>_claims}), rendered by its
 * dialect's {@link OutboxSql}; row ids are the dialect's id list (an array, a JSON array).
 *
 * @param record records a row-lock claim: row ids; the generated key is the record's id
 * @param recordSeeingLost the same in one statement that also answers whether a record no transaction
 *               holds exists (the record it writes left out): row ids; answers the record's id and
 *               that flag. {@code null} where the dialect needs two statements ({@code unheld} then
 *               {@code record})
 * @param hold   locks a record for its claim's transaction, so other claims pass it by: record id
 * @param forget removes a record (in the transaction that settles its batch): record id
 * @param unheld locks the oldest records no transaction holds, skipping held ones: limit; answers
 *               the record id and its row ids
 */
public record ClaimJournalSql(String record, String recordSeeingLost, String hold, String forget, String unheld) {
}
