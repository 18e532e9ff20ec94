-- Media files the emulator serves at /media/<name>: uploads, decrypted media, and the
-- encrypted files of WhatsApp media messages. Kept as BLOBs so they survive a restart.
CREATE TABLE media_files (
    name       TEXT PRIMARY KEY,  -- the last segment of the file's URL: <token>.<extension>
    purpose    TEXT NOT NULL CHECK (purpose IN ('upload', 'decrypted', 'encrypted')),
    mimetype   TEXT NOT NULL,
    file_name  TEXT,
    content    BLOB NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX media_files_by_expiry ON media_files (expires_at);
