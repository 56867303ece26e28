-- What rollback must not forget across leaders and restarts (issue 16): the proven policy sets of each cluster,
-- the rollbacks done, and the changed contents already rolled back (the not-again rule).

CREATE TABLE rp_proven_set (
  cluster     VARCHAR(253) NOT NULL,
  version_id  VARCHAR(64)  NOT NULL,
  proven_at   BIGINT       NOT NULL,
  round_id    VARCHAR(200) NOT NULL,
  expectation VARCHAR(253) NOT NULL,
  policies    VARCHAR      NOT NULL,
  PRIMARY KEY (cluster, version_id)
);
CREATE INDEX rp_proven_set_newest ON rp_proven_set (cluster, proven_at);

CREATE TABLE rp_rollback (
  rollback_id VARCHAR(64)  NOT NULL PRIMARY KEY,
  at          BIGINT       NOT NULL,
  cluster     VARCHAR(253) NOT NULL,
  outcome     VARCHAR(32)  NOT NULL,
  rollback    VARCHAR      NOT NULL
);
CREATE INDEX rp_rollback_at ON rp_rollback (at);

CREATE TABLE rp_rolled_back_content (
  content VARCHAR(1300) NOT NULL PRIMARY KEY,
  at      BIGINT        NOT NULL
);
