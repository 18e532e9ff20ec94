-- Address books (one per session), the groups of the simulated network and their members.
CREATE TABLE contacts (
    session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    phone         TEXT NOT NULL,  -- the contact's number, digits only
    name          TEXT,           -- the name this session saved the contact under
    notify        TEXT,           -- the name the contact gave itself
    verified_name TEXT,
    about         TEXT,
    blocked       INTEGER NOT NULL DEFAULT 0,
    saved         INTEGER NOT NULL DEFAULT 1,  -- 0: only blocked, never saved to the address book
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    PRIMARY KEY (session_id, phone)
);

-- Groups belong to the network, not to a session: every member session sees the same row.
CREATE TABLE chat_groups (
    jid                TEXT PRIMARY KEY,
    subject            TEXT NOT NULL,
    subject_owner      TEXT,
    subject_time       REAL NOT NULL,
    description        TEXT,
    description_owner  TEXT,
    description_id     TEXT,
    owner              TEXT NOT NULL,  -- the creator's number, digits only
    announce           INTEGER NOT NULL DEFAULT 0,
    restrict_info      INTEGER NOT NULL DEFAULT 0,
    join_approval      INTEGER NOT NULL DEFAULT 0,
    member_add         INTEGER NOT NULL DEFAULT 0,
    invite_code        TEXT NOT NULL UNIQUE,
    picture_version    INTEGER NOT NULL DEFAULT 0,  -- 0: no picture
    created_at         REAL NOT NULL
);

CREATE TABLE group_members (
    group_jid  TEXT NOT NULL REFERENCES chat_groups (jid) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    role       TEXT CHECK (role IN ('admin', 'superadmin')),  -- NULL: a plain member
    joined_at  REAL NOT NULL,
    position   INTEGER NOT NULL,  -- join order, which decides who inherits admin rights
    PRIMARY KEY (group_jid, phone)
);
