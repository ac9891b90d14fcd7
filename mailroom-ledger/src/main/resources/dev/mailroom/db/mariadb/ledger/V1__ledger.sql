-- Mailroom compensation ledger, MariaDB 10.6+ (the SQL stays within what MySQL 8.0.16+ accepts; untested there).
-- Placeholders: ${table} = the ledger table (optionally database-qualified), ${table_name} = without
-- the database (for index and constraint names), ${audit} = its audit table.
-- MariaDB's DDL is not transactional: each statement commits on its own and is idempotent.
--
-- Types: payload JSON (MariaDB checks JSON_VALID, MySQL stores binary JSON; the Java API checks it
-- before the insert); batch id and operation type VARCHAR(255), compared byte for byte (utf8mb4_bin)
-- and short enough for the batch index; timestamps DATETIME(6) holding UTC (UTC_TIMESTAMP(6),
-- whatever the session's time zone); ids BIGINT AUTO_INCREMENT.
--
-- Indexes: MariaDB has no partial indexes, so status leads the one index that serves both the
-- worker's claim (open items in id order) and the operators' queue (PostgreSQL's V2 partial index).

CREATE TABLE IF NOT EXISTS ${table} (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    batch_id         VARCHAR(255) NOT NULL CHECK (TRIM(batch_id) <> ''),
    operation_type   VARCHAR(255) NOT NULL CHECK (TRIM(operation_type) <> ''),
    item_index       INT          NOT NULL CHECK (item_index >= 0),
    item_payload     JSON         NOT NULL,
    failure_reason   TEXT,
    status           VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'retrying', 'resolved', 'manual_required', 'abandoned')),
    attempts         INT          NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     INT          NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    next_attempt_at  DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    lease_owner      VARCHAR(255),
    lease_expires_at DATETIME(6),
    resolved_at      DATETIME(6),
    resolved_by      VARCHAR(255),
    resolution_notes TEXT,
    created_at       DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    updated_at       DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    created_by       VARCHAR(255),
    version          BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    -- the worker's claim (open items in id order) and the operators' queue (manual_required, oldest first)
    KEY ${table_name}_status_idx (status, id),
    -- the lease reaper: items a worker holds (unleased items have no expiry and are never in its range)
    KEY ${table_name}_leased_idx (lease_expires_at),
    -- listing by batch and processBatch
    KEY ${table_name}_batch_idx (batch_id, item_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- changed_at is the time of the statement that wrote the row (UTC_TIMESTAMP(6)), so the rows of
-- one transaction keep their order.
CREATE TABLE IF NOT EXISTS ${audit} (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    item_id     BIGINT       NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    from_status VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin,
    to_status   VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    version     BIGINT       NOT NULL,
    notes       TEXT,
    changed_at  DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    PRIMARY KEY (id),
    KEY ${table_name}_audit_item_idx (item_id, id),
    CONSTRAINT ${table_name}_audit_item_fk FOREIGN KEY (item_id) REFERENCES ${table} (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
