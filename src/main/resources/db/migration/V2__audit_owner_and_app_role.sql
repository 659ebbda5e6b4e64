-- Two database roles (README.md, Security): the OWNER (Flyway runs as it: spring.flyway.user, HUB_DB_OWNER_USER) owns
-- every table; the APPLICATION role (spring.datasource.username, HUB_DB_USER) reads and writes the hub's tables but
-- may only INSERT and SELECT the audit log: no UPDATE, DELETE, TRUNCATE, ALTER or trigger change (those belong to
-- the owner), and the trigger's maintenance escape is honoured for the owner alone.
-- With one role for both (HUB_DB_OWNER_USER unset) nothing is granted here and the log is protected by its trigger only.

DO $$
DECLARE
    app text := '${app_role}';
BEGIN
    IF app = current_user OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
        RAISE NOTICE 'application role % is the owner or does not exist: no separate grants', app;
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', current_schema(), app);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', current_schema(), app);
    -- the connectors' tables (their migrations come after this one) get the same
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', current_schema(), app);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', current_schema(), app);
    -- the audit log: append and read only
    EXECUTE format('REVOKE ALL ON audit_record FROM %I', app);
    EXECUTE format('GRANT SELECT, INSERT ON audit_record TO %I', app);
    -- no objects of its own in the hub's schema (a function or table shadowing the hub's)
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', current_schema(), app);
END $$;

-- The maintenance escape (SET hub.audit_maintenance = 'on') is honoured only for the table's owner (or a superuser):
-- a role that merely sets the variable gets the same refusal as any other.
CREATE OR REPLACE FUNCTION audit_record_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('hub.audit_maintenance', true) = 'on'
            AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

-- TRUNCATE does not fire row triggers: refused by a statement trigger as well
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_is_append_only();
