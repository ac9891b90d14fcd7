-- The tables every Mailroom service shares (one each per database), MariaDB 10.6+.
-- Each statement commits on its own and is idempotent. Timestamps DATETIME(6) in UTC.
--
-- mailroom_audit: every operator write (replay, discard, skip, ...), recorded in the same
-- transaction as the change: who, when, what, which rows (ids or the filter, as JSON), how many
-- changed, and why.
CREATE TABLE IF NOT EXISTS mailroom_audit (
    id           BIGINT       NOT NULL AUTO_INCREMENT,
    at           DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    actor        VARCHAR(255) NOT NULL CHECK (TRIM(actor) <> ''),
    action       VARCHAR(64)  NOT NULL,
    target       VARCHAR(255) NOT NULL,
    selection    MEDIUMTEXT   NOT NULL,
    rows_changed INT          NOT NULL CHECK (rows_changed >= 0),
    reason       TEXT         NOT NULL CHECK (TRIM(reason) <> ''),
    PRIMARY KEY (id),
    KEY mailroom_audit_target_idx (target, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- mailroom_relay_instances: one row per relay instance, its heartbeat refreshed while it runs;
-- operators see which instances are alive (last seen recently) and which are gone.
CREATE TABLE IF NOT EXISTS mailroom_relay_instances (
    instance_id  VARCHAR(255) NOT NULL,
    service      VARCHAR(255) NOT NULL,
    host         VARCHAR(255) NOT NULL,
    claim_mode   VARCHAR(32)  NOT NULL,
    started_at   DATETIME(6)  NOT NULL,
    last_seen_at DATETIME(6)  NOT NULL,
    stopped_at   DATETIME(6),
    PRIMARY KEY (instance_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
