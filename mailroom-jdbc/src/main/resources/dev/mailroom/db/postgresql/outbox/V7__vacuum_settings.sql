-- Autovacuum settings of a queue table (see README, "Vacuum (PostgreSQL)"). Every delivered row
-- leaves a dead row version, and so does every row retention deletes: at thousands of events per
-- second the default throttle (autovacuum_vacuum_cost_delay = 2 ms) vacuums slower than the relay
-- leaves dead versions behind, and the table, its pending index and every claim grow. Unthrottled
-- and started at 5% dead rows instead of 20%, one pass keeps up. Storage parameters of this table
-- only; an operator may change them (ALTER TABLE ... SET / RESET).
ALTER TABLE ${table} SET (autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.05);
