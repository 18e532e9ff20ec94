-- Accounts, their personal access tokens, WhatsApp sessions and session logs.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    name                  TEXT NOT NULL,
    email                 TEXT NOT NULL,
    plan                  TEXT NOT NULL CHECK (plan IN ('paid', 'trial', 'none')),
    session_limit         INTEGER NOT NULL CHECK (session_limit >= 0),
    personal_access_token TEXT NOT NULL UNIQUE,
    created_at            REAL NOT NULL
);

CREATE TABLE sessions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id             INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    phone_number           TEXT NOT NULL,
    status                 TEXT NOT NULL,
    api_key                TEXT NOT NULL UNIQUE,
    webhook_secret         TEXT NOT NULL,
    session_data           TEXT NOT NULL DEFAULT '{}',
    account_protection     INTEGER NOT NULL,
    log_messages           INTEGER NOT NULL,
    read_incoming_messages INTEGER NOT NULL,
    webhook_url            TEXT,
    webhook_enabled        INTEGER NOT NULL,
    webhook_events         TEXT,
    auto_reject_calls      INTEGER NOT NULL,
    ignore_groups          INTEGER NOT NULL,
    ignore_channels        INTEGER NOT NULL,
    ignore_broadcasts      INTEGER NOT NULL,
    always_online          INTEGER NOT NULL,
    proxy_url              TEXT,
    qr_code                TEXT,
    qr_expires_at          REAL,
    qr_replacements        INTEGER NOT NULL DEFAULT 0,
    last_active_at         REAL NOT NULL,
    created_at             REAL NOT NULL,
    updated_at             REAL NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE session_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    event_type  TEXT NOT NULL,
    status      TEXT NOT NULL,
    occurred_at REAL NOT NULL
);
CREATE INDEX session_logs_by_session ON session_logs (session_id, id);

CREATE TABLE presence_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    jid         TEXT NOT NULL,
    type        TEXT NOT NULL,
    delay_ms    INTEGER,
    occurred_at REAL NOT NULL
);
CREATE INDEX presence_updates_by_session ON presence_updates (session_id, id);
