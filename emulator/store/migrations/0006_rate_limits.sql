-- Daily request counts, so daily caps survive a restart. Minute windows need not.
CREATE TABLE rate_limit_days (
    limiter_key TEXT NOT NULL,
    rule        TEXT NOT NULL,
    day         INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (limiter_key, rule, day)
);
