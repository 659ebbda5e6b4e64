-- The hub's sequence of the event the portal last accepted for the dossier: the guard against going backwards
-- compares it (event times tie: one-stop systems stamp them to the second), and the sync status compares it with
-- the latest event the hub planned for the portal (dossier_partner_seq).
ALTER TABLE portal_sync ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
