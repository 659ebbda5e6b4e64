-- 1. The audit chain hashes digests of its texts (hash_version 2), so personal data can leave the log while the chain
--    still verifies: record_hash = sha256(prev_hash ‖ fields ‖ payload_digest ‖ sha256(masked_payload) ‖ sha256(detail)).
--    The two text digests are stored beside the texts; a purge (audit_redact_dossier) clears the texts and keeps the
--    digests, and /api/v1/audit/verify recomputes the hash from the digests of a redacted record. Records written
--    before this migration keep their first formula (hash_version 1, over the plain texts) and are never redacted.
ALTER TABLE audit_record ADD COLUMN hash_version SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE audit_record ALTER COLUMN hash_version SET DEFAULT 2;
ALTER TABLE audit_record ADD COLUMN masked_payload_digest VARCHAR(64);
ALTER TABLE audit_record ADD COLUMN detail_digest VARCHAR(64);

-- The only change anyone but the owner may make to the log: clearing the texts of a closed dossier's records whose
-- digests are kept (the hashes do not change, the chain still verifies). SECURITY DEFINER: runs as the owner, whose
-- maintenance escape the append-only trigger honours; the application role may EXECUTE it, nothing more.
-- Closed: the national status codes 3 (not accepted), 7 (withdrawn), 8 (stopped), 10 (result returned).
CREATE FUNCTION audit_redact_dossier(p_code text) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM dossier WHERE dossier.code = p_code AND status IN (3, 7, 8, 10)) THEN
        RAISE EXCEPTION 'dossier % is not closed: its audit records keep their texts', p_code;
    END IF;
    PERFORM set_config('hub.audit_maintenance', 'on', true);
    UPDATE audit_record SET masked_payload = NULL, detail = NULL
     WHERE dossier_code = p_code AND hash_version = 2
       -- the log's own accountability stays readable: who revealed what and why, what was purged
       AND message_type NOT IN ('PERSONAL_DATA_REVEALED', 'PERSONAL_DATA_PURGED')
       AND (masked_payload IS NOT NULL OR detail IS NOT NULL)
       AND (masked_payload IS NULL OR masked_payload_digest IS NOT NULL)
       AND (detail IS NULL OR detail_digest IS NOT NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('hub.audit_maintenance', 'off', true);
    RETURN n;
END $$;
-- a SECURITY DEFINER function must not resolve names through a schema its caller controls
DO $$ BEGIN
    EXECUTE format('ALTER FUNCTION audit_redact_dossier(text) SET search_path = %I, pg_temp', current_schema());
END $$;
REVOKE ALL ON FUNCTION audit_redact_dossier(text) FROM PUBLIC;

-- 2. RFC 3161 time-stamp tokens over the checkpoints (AuditTimestamps): fetched from the time-stamping authority after
--    the checkpoint is stored (a TSA that is down only delays them), appended here, never changed.
--    (V3's audit_checkpoint.timestamp_token stays empty: a token comes after its checkpoint, whose row never changes.)
CREATE TABLE audit_timestamp (
    checkpoint_id  BIGINT       PRIMARY KEY REFERENCES audit_checkpoint (id),
    imprint        VARCHAR(64)  NOT NULL,           -- SHA-256 (hex) of the checkpoint's signed text: what the token covers
    token          TEXT         NOT NULL,           -- the TimeStampToken (CMS SignedData, DER), base64
    gen_time       TIMESTAMPTZ  NOT NULL,           -- the authority's time in the token
    serial_number  VARCHAR(80)  NOT NULL,           -- the token's serial, as the authority numbers it
    tsa_url        VARCHAR(300) NOT NULL,
    stamped_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE TRIGGER audit_timestamp_append_only BEFORE UPDATE OR DELETE ON audit_timestamp
    FOR EACH ROW EXECUTE FUNCTION audit_record_is_append_only();
CREATE TRIGGER audit_timestamp_no_truncate BEFORE TRUNCATE ON audit_timestamp
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_is_append_only();

-- 3. Personal data purges (vn.gov.lgsp.hub.privacy): which data class of which dossier was purged, and when. A dossier
--    changed after its purge (a late event) is purged again.
CREATE TABLE personal_data_purge (
    dossier_code  VARCHAR(64)  NOT NULL,
    data_class    VARCHAR(40)  NOT NULL,
    purged_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (dossier_code, data_class)
);

DO $$
DECLARE
    app text := '${app_role}';
BEGIN
    IF app = current_user OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RETURN;
    END IF;
    EXECUTE format('REVOKE ALL ON audit_timestamp FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_timestamp TO %I', app);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_redact_dossier(text) TO %I', app);
END $$;
