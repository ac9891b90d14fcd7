package dev.mailroom.jdbc.dialect;

/**
 * The statements of partition-leased claims on one outbox table: its partitions' leases
 * ({@code <table>_partitions}), the relay instances sharing them ({@code <table>_relays}), and the
 * claim within leased partitions. Rendered by the dialects that support them (PostgreSQL).
 *
 * @param claimPlan sets up the claim's transaction so its window is walked in id order, not sorted
 * @param claim    picks the oldest due pending row of each key among the oldest due pending rows of
 *                 some partitions, passing by what the claimer holds, and records them in the claim
 *                 journal under the claimer's name: keys to pass by (text[]), partitions (int[]), ids
 *                 to pass by (bigint[]), window, owner; answers the picked rows' columns in id
 *                 order, then each one's partition, then the journal record's id
 * @param claimHolding the same where dead rows of some types hold their keys: the key-holding types
 *                 (text[]) come after the keys to pass by
 * @param lostClaims locks journal records of instances no longer alive that hold no partition, skipping
 *                 locked ones: limit; answers the record id and its row ids
 * @param forget   removes a journal record: record id
 * @param join     records that an instance runs, for a time to live: owner, ttl ms
 * @param members  counts the instances alive
 * @param leave    removes an instance and every instance expired long ago: owner
 * @param renew    extends the leases an instance holds, expired ones too while no one took them over:
 *                 ttl ms, owner; answers partition, epoch
 * @param acquire  leases up to a number of free or expired partitions: owner, ttl ms, limit;
 *                 answers partition, epoch
 * @param release  frees some of an instance's partitions: owner, partitions (int[])
 * @param fence    locks an instance's leases of some partitions against a change of owner until
 *                 the transaction ends, expired or not (taking one over raises its epoch): owner,
 *                 partitions (int[]); answers partition, epoch
 * @param owners   every partition's owner and epoch (null owner when free or expired)
 */
public record PartitionLeaseSql(String claimPlan, String claim, String claimHolding, String lostClaims, String forget, String join, String members, String leave, String renew,
                                String acquire, String release, String fence, String owners) {

    /** How many partitions a table's rows fall into; fixed by the table's migration. */
    public static final int PARTITIONS = 64;
}
