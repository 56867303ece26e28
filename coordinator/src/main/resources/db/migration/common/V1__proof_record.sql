-- The proof record: what the coordinator proved, when, against which policies and expectations.
-- Times are epoch milliseconds (UTC). JSON columns hold the protocol's records as the API prints them.

CREATE TABLE rp_round (
  round_id       VARCHAR(200)     NOT NULL PRIMARY KEY,
  expectation    VARCHAR(253)     NOT NULL,
  started_at     BIGINT           NOT NULL,
  finished_at    BIGINT           NOT NULL,
  complete       BOOLEAN          NOT NULL,
  coverage       DOUBLE PRECISION NOT NULL,
  cells          INTEGER          NOT NULL,
  mismatches     INTEGER          NOT NULL,
  trace_id       VARCHAR(64),
  suspect_change VARCHAR
);
CREATE INDEX rp_round_finished ON rp_round (finished_at);
CREATE INDEX rp_round_expectation ON rp_round (expectation, finished_at);

CREATE TABLE rp_mismatch (
  round_id     VARCHAR(200) NOT NULL REFERENCES rp_round (round_id) ON DELETE CASCADE,
  seq          INTEGER      NOT NULL,
  kind         VARCHAR(16)  NOT NULL,
  from_cluster VARCHAR(253),
  to_cluster   VARCHAR(253),
  mismatch     VARCHAR      NOT NULL,
  PRIMARY KEY (round_id, seq)
);

CREATE TABLE rp_episode (
  episode_key     VARCHAR(200) NOT NULL PRIMARY KEY,
  idempotency_key VARCHAR(200) NOT NULL,
  expectation     VARCHAR(253) NOT NULL,
  clusters        VARCHAR(2000) NOT NULL,
  state           VARCHAR(16)  NOT NULL,
  opened_at       BIGINT       NOT NULL,
  changed_at      BIGINT       NOT NULL,
  resolved_at     BIGINT,
  trace_id        VARCHAR(64),
  suspect_change  VARCHAR,
  mismatches      VARCHAR      NOT NULL
);
CREATE INDEX rp_episode_opened ON rp_episode (opened_at);

CREATE TABLE rp_policy_version (
  cluster          VARCHAR(253) NOT NULL,
  namespace        VARCHAR(253) NOT NULL,
  name             VARCHAR(253) NOT NULL,
  content_hash     VARCHAR(64)  NOT NULL,
  resource_version VARCHAR(64),
  manager          VARCHAR(253),
  seen_at          BIGINT       NOT NULL,
  seen_by          VARCHAR(253) NOT NULL,
  yaml             VARCHAR      NOT NULL,
  PRIMARY KEY (cluster, namespace, name, content_hash)
);
CREATE INDEX rp_policy_version_seen ON rp_policy_version (seen_at);

CREATE TABLE rp_expectation_version (
  expectation  VARCHAR(253)  NOT NULL,
  content_hash VARCHAR(64)   NOT NULL,
  file         VARCHAR(4096) NOT NULL,
  git_revision VARCHAR(64),
  seen_at      BIGINT        NOT NULL,
  PRIMARY KEY (expectation, content_hash)
);

CREATE TABLE rp_enforcement (
  cluster     VARCHAR(253) NOT NULL,
  change_key  VARCHAR(800) NOT NULL,
  changed_at  BIGINT       NOT NULL,
  enforced_at BIGINT       NOT NULL,
  PRIMARY KEY (cluster, change_key, changed_at)
);

CREATE TABLE rp_gate_decision (
  expectation VARCHAR(253) NOT NULL,
  decided_at  BIGINT       NOT NULL,
  verdict     VARCHAR(16)  NOT NULL,
  round_id    VARCHAR(200),
  PRIMARY KEY (expectation, decided_at, verdict)
);
