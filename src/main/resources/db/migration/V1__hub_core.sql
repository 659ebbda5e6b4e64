-- Hub core tables. Connector tables live in connectors/<partner>/db (versions >= 100).

-- Every accepted inbound event, keyed by the one-stop system's eventId (a repeat is acknowledged and ignored).
CREATE TABLE inbound_event (
    event_id      VARCHAR(64)  PRIMARY KEY,
    dossier_code  VARCHAR(64)  NOT NULL,
    event_type    VARCHAR(40)  NOT NULL,
    occurred_at   TIMESTAMPTZ  NOT NULL,
    received_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    source        VARCHAR(16)  NOT NULL,           -- KAFKA or REST
    payload       TEXT         NOT NULL            -- the event as received (holds personal data: never logged)
);
CREATE INDEX inbound_event_dossier ON inbound_event (dossier_code, occurred_at);

-- The hub's own view of each dossier (latest event wins; used for citizen look-ups and portal re-sync).
CREATE TABLE dossier (
    code             VARCHAR(64) PRIMARY KEY,
    status           INT         NOT NULL,
    procedure_code   VARCHAR(32) NOT NULL,
    agency_code      VARCHAR(32) NOT NULL,
    applicant_phone  VARCHAR(16),
    due_at           TIMESTAMPTZ,
    last_event_id    VARCHAR(64) NOT NULL,
    last_event_type  VARCHAR(40) NOT NULL,
    last_event_at    TIMESTAMPTZ NOT NULL,
    snapshot         TEXT        NOT NULL,         -- the dossier object of the latest event
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Input that failed the contract: kept with its reason so operators can see and fix it.
CREATE TABLE rejected_message (
    id           BIGSERIAL    PRIMARY KEY,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    source       VARCHAR(16)  NOT NULL,
    origin       VARCHAR(200),                      -- topic/partition/offset or REST client
    event_id     VARCHAR(64),
    dossier_code VARCHAR(64),
    reasons      TEXT         NOT NULL,             -- JSON array of violations
    raw_masked   TEXT         NOT NULL              -- the input with personal data masked
);

-- A partner work item that completed: the effectively-once guard in front of every partner call.
CREATE TABLE work_completion (
    work_id      VARCHAR(160) PRIMARY KEY,
    partner      VARCHAR(40)  NOT NULL,
    dossier_code VARCHAR(64),
    updates      TEXT,                              -- JSON array of the dossier updates the work produced
    completed_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Partner work that exhausted its retries or was rejected by the partner.
CREATE TABLE dead_letter (
    id            BIGSERIAL    PRIMARY KEY,
    partner       VARCHAR(40)  NOT NULL,
    work_id       VARCHAR(160) NOT NULL,
    dossier_code  VARCHAR(64),
    message_type  VARCHAR(60),
    reason        TEXT         NOT NULL,
    attempts      INT          NOT NULL,
    payload       TEXT         NOT NULL,
    headers       TEXT         NOT NULL,            -- JSON object of the work message headers
    status        VARCHAR(16)  NOT NULL DEFAULT 'OPEN',   -- OPEN, REPLAYED
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    replayed_at   TIMESTAMPTZ,
    replayed_by   VARCHAR(100)
);
CREATE UNIQUE INDEX dead_letter_open_work ON dead_letter (work_id) WHERE status = 'OPEN';
CREATE INDEX dead_letter_partner ON dead_letter (partner, status);
CREATE INDEX dead_letter_dossier ON dead_letter (dossier_code);

-- Append-only, hash-chained audit log: record_hash = sha256(prev_hash || canonical fields).
CREATE TABLE audit_record (
    id              BIGSERIAL    PRIMARY KEY,
    recorded_at     TIMESTAMPTZ  NOT NULL,
    direction       VARCHAR(8)   NOT NULL,          -- IN, OUT, INTERNAL
    party           VARCHAR(40)  NOT NULL,
    dossier_code    VARCHAR(64),
    message_type    VARCHAR(60)  NOT NULL,
    outcome         VARCHAR(40)  NOT NULL,
    latency_ms      BIGINT,
    correlation_id  VARCHAR(160),
    payload_digest  VARCHAR(64),
    masked_payload  TEXT,
    detail          TEXT,
    prev_hash       VARCHAR(64)  NOT NULL,
    record_hash     VARCHAR(64)  NOT NULL
);
CREATE INDEX audit_record_dossier ON audit_record (dossier_code, id);

-- The log is append-only for the application: updates and deletes are refused by the database itself.
CREATE FUNCTION audit_record_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('hub.audit_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'audit_record is append-only';
END $$;
CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record
    FOR EACH ROW EXECUTE FUNCTION audit_record_is_append_only();
