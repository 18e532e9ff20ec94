-- SendAPI's Idempotency-Key records: the first answer a key got, kept a day of the emulator's clock
-- (the service keeps them 24 hours), so a retry after a restart still sends nothing twice.
CREATE TABLE sendapi_idempotency_keys (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    answer      TEXT NOT NULL,
    created_at  REAL NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX sendapi_idempotency_keys_by_age ON sendapi_idempotency_keys (created_at);
