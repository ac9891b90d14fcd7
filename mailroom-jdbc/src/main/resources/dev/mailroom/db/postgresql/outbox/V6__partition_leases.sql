-- Partition-leased claims (see README, "Claim modes"): the table's rows fall into 64 delivery
-- partitions by key (rows without a key by id), and each partition is leased to one relay
-- instance at a time, so that instance alone claims its rows, in id order, with no per-key probe,
-- no row lock and no transaction kept open while it sends: the lease is the claim. The partition of a row is computed where it is needed
-- ((hashtext(event_key) & 2147483647) % 64, or id % 64), so producers fill nothing and adding this
-- rewrites no row of the outbox table.
--
-- owner: the relay instance leasing the partition (null when free); epoch: raised at every change
-- of owner, and checked in the transaction that settles a batch, so a relay that wakes after its
-- lease passed to another changes nothing; expires_at: the lease's end, renewed while the owner runs.
CREATE TABLE IF NOT EXISTS ${table}_partitions (
    partition  integer     PRIMARY KEY CHECK (partition >= 0 AND partition < 64),
    owner      text,
    epoch      bigint      NOT NULL DEFAULT 0,
    expires_at timestamptz
);
INSERT INTO ${table}_partitions (partition) SELECT p FROM generate_series(0, 63) AS p ON CONFLICT DO NOTHING;

-- The relay instances sharing the partitions: each renews its row while it runs, so every
-- instance knows how many share the work and owns its fair part (the partitions divided by the
-- instances alive); a graceful stop removes the row, a dead instance's row expires.
CREATE TABLE IF NOT EXISTS ${table}_relays (
    owner      text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- A partition-leased batch's record in the claim journal names its relay instance: the record of an
-- instance no longer alive (its row above expired or removed) names rows whose attempt is counted by
-- the next instance that looks. Row-lock records have no owner (their claiming transaction holds them).
ALTER TABLE ${table}_claims ADD COLUMN IF NOT EXISTS owner text;
