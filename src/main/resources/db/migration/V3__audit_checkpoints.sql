-- Signed checkpoints of the audit chain's head (AuditCheckpoints): a rewrite of the chain's tail, even one that
-- recomputes every hash after it (a superuser's), no longer matches the head a checkpoint signed with the hub's key.
CREATE TABLE audit_checkpoint (
    id               BIGSERIAL    PRIMARY KEY,
    created_at       TIMESTAMPTZ  NOT NULL,
    last_record_id   BIGINT       NOT NULL,          -- the audit_record the head is
    head_hash        VARCHAR(64)  NOT NULL,          -- its record_hash
    key_id           VARCHAR(100) NOT NULL,          -- which hub key signed (its public key's SHA-256, hex, first 16)
    algorithm        VARCHAR(20)  NOT NULL,          -- Ed25519 or SHA256withRSA
    public_key       TEXT         NOT NULL,          -- X.509 SubjectPublicKeyInfo, base64 (trusted only if configured)
    signature        TEXT         NOT NULL,          -- base64, over AuditCheckpoints.signedText
    timestamp_token  TEXT                            -- an RFC 3161 time-stamp token over the same text, base64 (optional)
);
CREATE INDEX audit_checkpoint_record ON audit_checkpoint (last_record_id);

CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_record_is_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_is_append_only();

DO $$
DECLARE
    app text := '${app_role}';
BEGIN
    IF app = current_user OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RETURN;
    END IF;
    EXECUTE format('REVOKE ALL ON audit_checkpoint FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_checkpoint TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE audit_checkpoint_id_seq TO %I', app);
END $$;
