CREATE TABLE IF NOT EXISTS api_keys (
    id         BIGSERIAL PRIMARY KEY,
    key_hash   BYTEA NOT NULL UNIQUE,
    owner      TEXT NOT NULL,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS fetch_log (
    id          BIGSERIAL PRIMARY KEY,
    series_id   TEXT NOT NULL,
    rows_count  INTEGER NOT NULL,
    error       TEXT,
    fetched_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
