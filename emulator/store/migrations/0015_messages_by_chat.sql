-- A page of one chat is read through this index, so its cost stays flat however long the chat
-- and the session's history grow.
CREATE INDEX messages_by_chat ON messages (session_id, remote_jid, id);
