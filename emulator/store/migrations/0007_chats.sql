-- The chats of each session: who it talks with, and how many messages it has not read.
CREATE TABLE chats (
    session_id             INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    chat_id                TEXT NOT NULL,
    name                   TEXT,
    unread_count           INTEGER NOT NULL DEFAULT 0,
    conversation_timestamp INTEGER NOT NULL,
    archived               INTEGER NOT NULL DEFAULT 0,
    pinned                 INTEGER NOT NULL DEFAULT 0,
    mute_end_time          INTEGER,
    PRIMARY KEY (session_id, chat_id)
);
