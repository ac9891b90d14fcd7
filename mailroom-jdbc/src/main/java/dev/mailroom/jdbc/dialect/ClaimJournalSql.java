package dev.mailroom.jdbc.dialect;

/**
 * The statements of one outbox table's claim journal ({@code <table>_claims}), rendered by its
 * dialect's {@link OutboxSql}; row ids are the dialect's id list (an array, a JSON array).
 *
 * @param record records a row-lock claim: row ids; the generated key is the record's id
 * @param recordSeeingLost the same in one statement that also answers whether a record no transaction
 *               holds names any of the rows (the record it writes left out): row ids, twice;
 *               answers the record's id and that flag. {@code null} where the dialect needs two statements ({@code unheld} then
 *               {@code record})
 * @param hold   locks a record for its claim's transaction, so other claims pass it by: record id
 * @param forget removes a record (in the transaction that settles its batch): record id
 * @param unheld locks the oldest records no transaction holds, skipping held ones, to count them
 *               lost: limit; answers the record id and its row ids. A dialect may pass by records
 *               younger than a grace (MariaDB: 2 s), so a counter does not take a record in the
 *               instant between its claim's commit of it and its hold (unless the claim takes longer
 *               than the grace from its insert to its hold)
 * @param anyUnheld locks the oldest record no transaction holds that names any of the row ids, of
 *               any age, skipping held ones: row ids; answers its id (what a claim holding rows asks
 *               before it sends them; a live claim's record never names rows another claim locked)
 */
public record ClaimJournalSql(String record, String recordSeeingLost, String hold, String forget, String unheld,
                              String anyUnheld) {
}
