-- Webhook deliveries: one row per event bound for a session's URL, kept after it is delivered
-- or given up, so tests can inspect it; rows still pending are resumed on start. No foreign
-- key to sessions: a session's last events (its disconnect on delete) outlive it.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL,
    event           TEXT NOT NULL,
    url             TEXT NOT NULL,
    signature       TEXT NOT NULL,
    body            BLOB NOT NULL,
    outcome         TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at REAL,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL
);
CREATE INDEX webhook_deliveries_by_outcome ON webhook_deliveries (outcome, session_id, id);
CREATE INDEX webhook_deliveries_by_session ON webhook_deliveries (session_id, id);

-- Every attempt at a delivery: what the receiver answered, or why it could not.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    url         TEXT NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms REAL NOT NULL,
    created_at  REAL NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempt);

-- Votes cast on polls a session sent, one row per voter: a new vote replaces the old one.
CREATE TABLE poll_votes (
    message_id INTEGER NOT NULL,
    voter      TEXT NOT NULL,
    options    TEXT NOT NULL,
    voted_at   REAL NOT NULL,
    PRIMARY KEY (message_id, voter)
);
