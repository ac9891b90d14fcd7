-- Autovacuum settings of a queue table (see README, "Vacuum (PostgreSQL)"). Every delivered row
-- leaves a dead row version, and so does every row retention deletes: at thousands of events per
-- second the default throttle (autovacuum_vacuum_cost_delay = 2 ms) vacuums slower than the relay
-- leaves dead versions behind, and the table, its pending index and every claim grow. Unthrottled
-- and started at 5% dead rows instead of 20%, vacuum keeps up. Storage parameters of this table
-- only, each set only where the table has no value of its own (an operator's tuning stays); an
-- operator may change them later (ALTER TABLE ... SET / RESET).
DO $$
DECLARE
    setting text;
BEGIN
    FOREACH setting IN ARRAY ARRAY['autovacuum_vacuum_cost_delay=0', 'autovacuum_vacuum_scale_factor=0.05',
                                   'autovacuum_analyze_scale_factor=0.05']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_options_to_table((SELECT reloptions FROM pg_class
                                                           WHERE oid = '${table}'::regclass))
                       WHERE option_name = split_part(setting, '=', 1)) THEN
            EXECUTE 'ALTER TABLE ${table} SET (' || setting || ')';
        END IF;
    END LOOP;
END
$$;
