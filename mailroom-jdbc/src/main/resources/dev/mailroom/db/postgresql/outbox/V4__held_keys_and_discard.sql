-- Operator moves and held keys (see README, "Operate").
-- 'discarded': a dead row an operator set aside; final, kept until retention removes it.
-- holds_key: a dead row whose route's poison policy was HOLD_KEY when it died; it holds back the
-- later rows of its key until an operator skips it (holds_key = false, it stays dead) or replays it.
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS holds_key boolean NOT NULL DEFAULT false;

-- The status check of V1 lists the states of its day; its name is the one PostgreSQL gave it.
DO $$
DECLARE
    old_check text;
BEGIN
    FOR old_check IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = '${table}'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%status%' AND pg_get_constraintdef(oid) NOT LIKE '%discarded%'
    LOOP
        EXECUTE 'ALTER TABLE ${table} DROP CONSTRAINT ' || quote_ident(old_check);
    END LOOP;
END
$$;
ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table_name}_status_states;
ALTER TABLE ${table} ADD CONSTRAINT ${table_name}_status_states
    CHECK (status IN ('pending', 'sending', 'published', 'consumed', 'dead', 'discarded'));

-- Serves the key-ordered claim's "is my key held by an earlier dead row?": only holding rows are in it.
CREATE INDEX IF NOT EXISTS ${table_name}_held_idx ON ${table} (event_key, id) WHERE holds_key;
