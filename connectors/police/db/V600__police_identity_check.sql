-- Identity checks against the national population database (connectors/police).
-- One row per request id (the hub's work id, also the ministry-side idempotency key). The citizen ID itself is not
-- stored: only a SHA-256 of it (to tell two checks of one person apart) and its masked form.
CREATE TABLE police_identity_check (
    id                BIGSERIAL    UNIQUE,
    request_id        VARCHAR(160) PRIMARY KEY,
    dossier_code      VARCHAR(64)  NOT NULL,
    citizen_id_hash   VARCHAR(64)  NOT NULL,
    citizen_id_masked VARCHAR(20)  NOT NULL,
    status            VARCHAR(16)  NOT NULL,          -- REQUESTED, PENDING, COMPLETED, REFUSED
    result            VARCHAR(16),                    -- MATCH, MISMATCH, NOT_FOUND
    mismatched_fields VARCHAR(100),                   -- comma separated: FULL_NAME, DATE_OF_BIRTH
    check_id          VARCHAR(64),                    -- the database's reference
    attempts          INT          NOT NULL DEFAULT 0,
    requested_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    answered_at       TIMESTAMPTZ
);
CREATE INDEX police_identity_check_dossier ON police_identity_check (dossier_code, id);
