-- Serves "which rows wait for a retry, and when is the next one due": only rows that failed at
-- least once and are pending again are in it, so it stays tiny and costs nothing on the happy path.
CREATE INDEX IF NOT EXISTS ${table_name}_retry_idx ON ${table} (next_attempt_at)
    WHERE status = 'pending' AND attempts > 0;
