-- Faces sign their webhooks under headers of their own (SendAPI: X-SendAPI-Signature).
ALTER TABLE webhook_deliveries ADD COLUMN signature_header TEXT NOT NULL DEFAULT 'X-Webhook-Signature';

-- SendAPI's account webhooks: a URL, the events it wants ("*", "message.*", names) and its secret.
CREATE TABLE sendapi_webhooks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    secret        TEXT NOT NULL,
    is_active     INTEGER NOT NULL,
    failure_count INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
