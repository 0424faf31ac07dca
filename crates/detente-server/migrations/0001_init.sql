-- Detente's store. One migration set for SQLite and PostgreSQL: only types
-- both read the same way (TEXT, BIGINT), no autoincrement, no booleans.
-- Times are microseconds since the Unix epoch (UTC).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    latest_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX scenarios_by_age ON scenarios (created_at, id);

-- Every update adds a version; versions are never changed.
CREATE TABLE scenario_versions (
    scenario_id TEXT NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- How it arrived: toml, json, genius, geniusweb, ktab, spec, bundled.
    format TEXT NOT NULL,
    -- What arrived: the text, or a JSON object of file name to text.
    source TEXT NOT NULL,
    -- The validated scenario, normalised, as a ScenarioSpec in JSON.
    spec TEXT NOT NULL,
    -- JSON array of the loading's warnings.
    warnings TEXT NOT NULL,
    n_actors BIGINT NOT NULL,
    n_issues BIGINT NOT NULL,
    -- Decimal: may exceed 2^64.
    n_outcomes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scenario_id, version)
);

-- Analyses, forecasts and job results, each with the (scenario, version) it
-- came from; a tournament's scenarios are listed in `scenarios`.
CREATE TABLE results (
    id TEXT PRIMARY KEY,
    scenario_id TEXT REFERENCES scenarios (id) ON DELETE CASCADE,
    version BIGINT,
    -- JSON array of {"id", "version"}: every scenario the result came from.
    scenarios TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Canonical JSON of the options; with (scenario, version, kind) the cache key.
    options_key TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX results_cache ON results (scenario_id, version, kind, options_key);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    -- queued, running, succeeded, failed, cancelled.
    status TEXT NOT NULL,
    -- The request, with the versions it resolved to, as JSON.
    params TEXT NOT NULL,
    scenario_id TEXT REFERENCES scenarios (id) ON DELETE CASCADE,
    version BIGINT,
    progress_done BIGINT NOT NULL,
    progress_total BIGINT NOT NULL,
    error TEXT,
    result_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX jobs_by_age ON jobs (created_at, id);
CREATE INDEX jobs_by_status ON jobs (status);

-- API tokens: only the SHA-256 of each, in hex.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
