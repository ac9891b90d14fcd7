-- Serves the key-ordered claim: "is there an earlier undelivered row with my key?" is one index
-- probe. Only undelivered rows are in it, so it stays as small as the backlog.
CREATE INDEX IF NOT EXISTS ${table_name}_key_order_idx ON ${table} (event_key, id)
    WHERE status IN ('pending', 'sending');
