-- Several vendors' APIs reach the one network. Each session belongs to the face that created it,
-- and an account holds one API key per face that authenticates accounts by a key of its own.
ALTER TABLE sessions ADD COLUMN face TEXT NOT NULL DEFAULT 'wasenderapi';

CREATE TABLE account_keys (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    face       TEXT NOT NULL,
    key        TEXT NOT NULL UNIQUE,
    PRIMARY KEY (account_id, face)
);
