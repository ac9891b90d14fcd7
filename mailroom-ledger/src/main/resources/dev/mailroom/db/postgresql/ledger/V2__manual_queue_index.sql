-- Serves the operators' queue: listing items that wait for a person, oldest first.
CREATE INDEX IF NOT EXISTS ${table_name}_manual_idx ON ${table} (id) WHERE status = 'manual_required';
