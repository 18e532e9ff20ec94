-- When a sent message's next delivery step is due; NULL once none is ahead (read, failed,
-- deleted, or waiting on another session's reader). Start reads only the messages with a step
-- ahead, through this small partial index, however long the history grows.
ALTER TABLE messages ADD COLUMN next_step_at REAL;
-- Rows stored before this column: every one that may have a step ahead is looked at once, on the
-- next start, which clears the column of those that have none.
UPDATE messages SET next_step_at = attempted_at
    WHERE from_me = 1 AND deleted_at IS NULL AND status BETWEEN 1 AND 4;
CREATE INDEX messages_by_next_step ON messages (next_step_at) WHERE next_step_at IS NOT NULL;
