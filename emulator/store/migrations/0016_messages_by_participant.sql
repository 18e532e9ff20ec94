-- The group members a session heard from, for its address book, found by stepping from one
-- sender to the next rather than reading every message. Only group messages carry a sender.
CREATE INDEX messages_by_participant ON messages (session_id, participant) WHERE participant IS NOT NULL;
