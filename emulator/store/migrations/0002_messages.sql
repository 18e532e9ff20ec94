-- Messages sent and received by sessions. id is the msgId clients see.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    from_me       INTEGER NOT NULL,
    key_id        TEXT NOT NULL,
    remote_jid    TEXT NOT NULL,
    participant   TEXT,
    to_raw        TEXT,
    kind          TEXT NOT NULL,
    content       TEXT NOT NULL,
    message       TEXT NOT NULL,
    status        INTEGER NOT NULL,
    failed_reason TEXT,
    behaviour     TEXT,
    attempts      INTEGER NOT NULL DEFAULT 1,
    attempted_at  REAL NOT NULL,
    edited_at     REAL,
    deleted_at    REAL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE INDEX messages_by_session ON messages (session_id, from_me, id);
CREATE INDEX messages_by_key ON messages (session_id, key_id);
