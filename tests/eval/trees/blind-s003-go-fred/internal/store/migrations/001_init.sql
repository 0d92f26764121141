CREATE TABLE IF NOT EXISTS series (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    frequency           TEXT NOT NULL DEFAULT '',
    units               TEXT NOT NULL DEFAULT '',
    seasonal_adjustment TEXT NOT NULL DEFAULT '',
    popularity          INTEGER NOT NULL DEFAULT 0,
    last_updated        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS observations (
    series_id  TEXT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    obs_date   DATE NOT NULL,
    value      DOUBLE PRECISION,
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, obs_date)
);

CREATE INDEX IF NOT EXISTS observations_series_date_desc
    ON observations (series_id, obs_date DESC);
