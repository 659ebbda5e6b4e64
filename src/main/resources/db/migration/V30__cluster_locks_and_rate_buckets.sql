-- Several hub instances share this database. Scheduled jobs (reconciliation, polls, sweeps, releases) run on one
-- instance at a time: ShedLock's lock row per job (vn.gov.lgsp.hub.cluster.SingletonJobs). lock_until is set from
-- the database's clock, in UTC without a zone (as ShedLock writes it on PostgreSQL); a holder that dies leaves its row, which expires at lock_until (lockAtMostFor, kept
-- alive while the holder runs).
CREATE TABLE shedlock (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    lock_until TIMESTAMP    NOT NULL,
    locked_at  TIMESTAMP    NOT NULL,
    locked_by  VARCHAR(255) NOT NULL
);

-- A partner's call quota for the whole cluster: one token bucket per partner (vn.gov.lgsp.hub.work.ClusterRateLimiter).
-- Each instance takes a few tokens at a time with one UPDATE ... RETURNING; the bucket refills at the partner's
-- rate-limit-per-second from the database's clock.
CREATE TABLE cluster_rate_bucket (
    partner     VARCHAR(40)      NOT NULL PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ      NOT NULL DEFAULT clock_timestamp(),
    last_grant  INTEGER          NOT NULL DEFAULT 0
);
