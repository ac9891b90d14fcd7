-- The time-partitioned outbox layout (PostgreSQL 13+; see README, "Time-partitioned outbox"). Opt-in:
-- SchemaMigrator.migrateToTimePartitions runs it after the outbox scripts, recorded under its own
-- scope. It turns ${table} into a table range-partitioned on created_at, one partition per
-- ${partition_width} and a default partition for rows of no partition, so that retention drops a
-- whole partition of delivered rows instead of deleting its rows one by one (no dead row versions,
-- no vacuum). The relay's retention pass creates partitions ahead and retires expired ones
-- (mailroom_time_partitions_create and mailroom_time_partitions_retire below).
--
-- What changes for a producer: nothing (same columns, defaults, checks and notify trigger), except
-- that event_id is unique within a partition only: PostgreSQL refuses a unique index on a
-- partitioned table that does not hold the partition column. A duplicate published across a
-- partition's end is stored twice; the consumer's inbox takes it once.
--
-- The rows of the old table are copied, with their ids and every column, under a lock that holds
-- producers and relays for the copy's duration: run it when the table is small (after retention).
-- Run it as the table's owner; the new table gets the old one's grants. Relays that run retention
-- on the layout create and drop partitions, which needs the owner's rights too.

LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE;

-- the old table and its indexes step aside, so the new table takes their names
ALTER TABLE ${table} RENAME TO ${table_name}_unpartitioned;
DO $$
DECLARE
    old_index record;
BEGIN
    FOR old_index IN
        SELECT n.nspname, i.relname, i.oid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE x.indrelid = '${table}_unpartitioned'::regclass
    LOOP
        EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', old_index.nspname, old_index.relname,
                       left(old_index.relname, 40) || '_old_' || old_index.oid);
    END LOOP;
END
$$;

-- the same columns, defaults, checks and identity as the old table (whatever versions added them); the
-- primary key must hold the partition column
CREATE TABLE ${table} (
    LIKE ${table}_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING STORAGE,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

-- the identity goes on past every id handed out: the old rows' and the old sequence's (rows deleted at
-- delivery or by retention took ids that claim journals may still name)
SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest(coalesce(handed_out.max_id, 0),
              coalesce(handed_out.last_value, 0), 1), coalesce(handed_out.max_id, handed_out.last_value) IS NOT NULL)
FROM (SELECT (SELECT max(id) FROM ${table}_unpartitioned) AS max_id,
             pg_sequence_last_value(pg_get_serial_sequence('${table}_unpartitioned', 'id')::regclass) AS last_value)
     AS handed_out;

-- the old table's grants (LIKE copies none): producers and consumers keep their rights
DO $$
DECLARE
    granted record;
BEGIN
    FOR granted IN
        SELECT a.privilege_type, a.grantee FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = '${table}_unpartitioned'::regclass AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON ${table} TO %s', granted.privilege_type,
                       CASE WHEN granted.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(granted.grantee)) END);
    END LOOP;
END
$$;

-- the outbox indexes of V1 to V4, and one more: dead rows, which retention looks for in every
-- partition it retires (rare, so this index costs nothing on the happy path)
CREATE INDEX ${table_name}_pending_idx ON ${table} (id) WHERE status = 'pending';
CREATE INDEX ${table_name}_sending_idx ON ${table} (lease_expires_at) WHERE status = 'sending';
CREATE INDEX ${table_name}_key_order_idx ON ${table} (event_key, id) WHERE status IN ('pending', 'sending');
CREATE INDEX ${table_name}_retry_idx ON ${table} (next_attempt_at) WHERE status = 'pending' AND attempts > 0;
CREATE INDEX ${table_name}_held_idx ON ${table} (event_key, id) WHERE holds_key;
CREATE INDEX ${table_name}_dead_idx ON ${table} (id) WHERE status = 'dead';
-- lookups by event id (operators, the publisher's duplicate check) probe each partition's own unique
-- index on event_id (created with the partition): a partitioned index on it would be a second copy

CREATE TRIGGER ${table_name}_notify
    AFTER INSERT ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION mailroom_notify('${channel}');

-- The layout's settings, read by every relay's retention pass: the width of a partition and how many
-- partitions ahead of now exist. An operator may change either (UPDATE); partitions created from then
-- on follow it, the existing ones stay as they are.
CREATE TABLE ${table}_time_layout (
    one_row           boolean  PRIMARY KEY DEFAULT true CHECK (one_row),
    partition_width   interval NOT NULL CHECK (partition_width >= interval '1 second'),
    partitions_ahead  integer  NOT NULL CHECK (partitions_ahead >= 1)
);
INSERT INTO ${table}_time_layout (partition_width, partitions_ahead) VALUES (interval '${partition_width}', 3);

-- Creates the partitions missing from the end of the newest one (or from the start of the current
-- width, when there is none or it ended before that) until partitions_ahead widths past now.
-- Each partition holds one width aligned on the epoch, its own unique index on event_id and the
-- queue table's autovacuum settings (V7). A range whose rows are in the default partition already
-- (inserted while no partition covered it) is skipped: its rows stay there. Creating a partition locks
-- the table (ACCESS EXCLUSIVE): a lock not granted within 250 ms (a transaction holding rows of the
-- table) leaves the rest to the next pass, so producers never queue long behind it. Returns how many
-- it created.
CREATE OR REPLACE FUNCTION mailroom_time_partitions_create(parent regclass) RETURNS integer
LANGUAGE plpgsql SET lock_timeout = '250ms' AS $$
DECLARE
    width     interval;
    ahead     integer;
    seconds   double precision;
    horizon   timestamptz;
    low       timestamptz;
    high      timestamptz;
    newest    timestamptz;
    part_name text;
    part_schema text;
    created   integer := 0;
BEGIN
    EXECUTE format('SELECT partition_width, partitions_ahead FROM %s_time_layout', parent) INTO width, ahead;
    seconds := extract(epoch FROM width);
    SELECT n.nspname INTO part_schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
    SELECT max(bound.high) INTO newest FROM mailroom_time_partitions(parent) bound;
    low := to_timestamp(floor(extract(epoch FROM now()) / seconds) * seconds);
    IF newest IS NOT NULL AND newest > low THEN
        low := newest;
    END IF;
    horizon := now() + width * ahead;
    WHILE low < horizon LOOP
        high := to_timestamp((floor(extract(epoch FROM low) / seconds) + 1) * seconds);
        part_name := (SELECT relname FROM pg_class WHERE oid = parent) || '_p'
                     || to_char(low AT TIME ZONE 'UTC', 'YYMMDDHH24MISS');
        BEGIN
            EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L) WITH ('
                           || 'autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_scale_factor = 0.05, '
                           || 'autovacuum_analyze_scale_factor = 0.05)', part_schema, part_name, parent, low, high);
            EXECUTE format('CREATE UNIQUE INDEX ON %I.%I (event_id)', part_schema, part_name);
            created := created + 1;
        EXCEPTION
            WHEN check_violation OR invalid_object_definition OR duplicate_table THEN
                -- rows of this range are in the default partition, or a partition covers part of it
                RAISE NOTICE 'Mailroom: no partition % for [%, %): %', part_name, low, high, SQLERRM;
            WHEN lock_not_available THEN
                -- a transaction holds the table: the next pass creates it (until then rows go to the default one)
                RETURN created;
        END;
        low := high;
    END LOOP;
    RETURN created;
END
$$;

-- The range partitions of a time-partitioned outbox table and their bounds (not the default one).
CREATE OR REPLACE FUNCTION mailroom_time_partitions(parent regclass)
RETURNS TABLE (part regclass, low timestamptz, high timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT c.oid::regclass,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\)'))[1]::timestamptz,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)'))[1]::timestamptz
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
$$;

-- Retires every partition that ended before expired_before, oldest first: its undelivered rows
-- (pending, sending) and dead rows move to the default partition with every column unchanged (same
-- id, event id, lease, attempts), then the partition is dropped with its delivered history. A
-- partition with more than move_limit such rows (a relay down for longer than the retention age) is
-- kept for a later pass. Runs under an ACCESS EXCLUSIVE lock on the table, taken only when a
-- partition is due, so no claim, settlement or insert sees a row half moved; a lock not granted within
-- 250 ms keeps every due partition for the next pass (producers queue behind the waiting lock, so the
-- wait stays short). Returns the partitions dropped, the rows moved and the partitions kept.
CREATE OR REPLACE FUNCTION mailroom_time_partitions_retire(parent regclass, expired_before timestamptz,
                                                           move_limit bigint,
                                                           OUT dropped integer, OUT moved bigint, OUT kept integer)
LANGUAGE plpgsql SET enable_seqscan = off SET lock_timeout = '250ms' AS $$
DECLARE
    expired     regclass;
    column_list text;
    remaining   bigint;
    inserted    bigint;
BEGIN
    dropped := 0; moved := 0; kept := 0;
    IF NOT EXISTS (SELECT 1 FROM mailroom_time_partitions(parent) WHERE high <= expired_before) THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', parent);
    EXCEPTION WHEN lock_not_available THEN
        SELECT count(*) INTO kept FROM mailroom_time_partitions(parent) WHERE high <= expired_before;
        RETURN;
    END;
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO column_list
    FROM pg_attribute WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped;
    -- (another relay's pass may have retired them while this one waited for the lock: then none is left)
    FOREACH expired IN ARRAY (SELECT coalesce(array_agg(part ORDER BY high), '{}') FROM mailroom_time_partitions(parent)
                              WHERE high <= expired_before) LOOP
        -- one exact partial index per state (pending and sending: V1; dead: this script): never a scan of the history
        EXECUTE format('SELECT (SELECT count(*) FROM %1$s WHERE status = ''pending'')'
                       || ' + (SELECT count(*) FROM %1$s WHERE status = ''sending'')'
                       || ' + (SELECT count(*) FROM %1$s WHERE status = ''dead'')', expired) INTO remaining;
        IF remaining > move_limit THEN
            kept := kept + 1;
            CONTINUE;
        END IF;
        BEGIN
            EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, expired);
            IF remaining > 0 THEN
                -- the range is no partition's any more: the rows land in the default partition
                EXECUTE format('INSERT INTO %1$s (%2$s) SELECT %2$s FROM %3$s WHERE status = ''pending'''
                               || ' UNION ALL SELECT %2$s FROM %3$s WHERE status = ''sending'''
                               || ' UNION ALL SELECT %2$s FROM %3$s WHERE status = ''dead''',
                               parent, column_list, expired);
                GET DIAGNOSTICS inserted = ROW_COUNT;
                moved := moved + inserted;
            END IF;
            EXECUTE format('DROP TABLE %s', expired);
            dropped := dropped + 1;
        EXCEPTION WHEN unique_violation THEN
            -- an event id of a row to move is in the default partition already (published twice, once in
            -- another partition): the partition stays, whole, until an operator settles the duplicate
            RAISE WARNING 'Mailroom: partition % kept: %', expired, SQLERRM;
            kept := kept + 1;
        END;
    END LOOP;
END
$$;

CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT
    WITH (autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_scale_factor = 0.05,
          autovacuum_analyze_scale_factor = 0.05);
CREATE UNIQUE INDEX ON ${table}_default (event_id);
SELECT mailroom_time_partitions_create('${table}');

-- the history: every row created before the current partition, in one range partition that
-- retention retires like the others once it ended more than the retention age ago (its undelivered
-- and dead rows move to the default partition then). Kept out of the default partition, which every
-- partition created later must scan under the table's lock.
DO $$
DECLARE
    history_end timestamptz := (SELECT min(low) FROM mailroom_time_partitions('${table}'));
BEGIN
    EXECUTE format('CREATE TABLE ${table}_history PARTITION OF ${table} FOR VALUES FROM (MINVALUE) TO (%L) WITH ('
                   || 'autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_scale_factor = 0.05, '
                   || 'autovacuum_analyze_scale_factor = 0.05)', history_end);
END
$$;
CREATE UNIQUE INDEX ON ${table}_history (event_id);

-- every row, in every state, with its id and columns (a row dated past the partitions ahead lands in
-- the default partition)
INSERT INTO ${table} SELECT * FROM ${table}_unpartitioned;

DROP TABLE ${table}_unpartitioned;
