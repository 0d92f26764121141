CREATE TABLE IF NOT EXISTS series (
    id            text PRIMARY KEY,
    title         text NOT NULL,
    frequency     text NOT NULL,
    units         text NOT NULL,
    last_updated  text,
    tracked       boolean NOT NULL DEFAULT false,
    refreshed_at  timestamptz
);

CREATE TABLE IF NOT EXISTS observations (
    series_id   text NOT NULL,
    date        date NOT NULL,
    value       numeric,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, date)
);

CREATE INDEX IF NOT EXISTS series_tracked_idx ON series (tracked) WHERE tracked;
