-- Reactions to messages, one per person and message (a new emoji replaces theirs), kept with the
-- messages so a chat shows them after a restart. from_me: the session itself reacted.
CREATE TABLE message_reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reactor    TEXT NOT NULL,
    from_me    INTEGER NOT NULL,
    emoji      TEXT NOT NULL,
    reacted_at REAL NOT NULL,
    PRIMARY KEY (message_id, reactor)
);
