-- Row-lock claims in flight (see README, "States"): before a relay sends a batch it locked, it records the
-- batch's row ids here (a JSON array) in a short transaction of its own, and removes the entry in the
-- transaction that settles the batch. An entry left behind names rows whose relay died or lost its
-- connection while it held them: the next claim counts that attempt for each of them still pending (dead at
-- max attempts) and removes the entry, so an event that kills its relay every time ends dead instead of
-- being sent forever. A live relay keeps its entry locked, so claims pass it by. Rows never change state
-- for an entry.
CREATE TABLE IF NOT EXISTS ${table}_claims (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    row_ids    JSON        NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    PRIMARY KEY (id)
) ENGINE=InnoDB;
