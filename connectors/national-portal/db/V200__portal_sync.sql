-- What the hub last sent to the National Public Service Portal per dossier: the monotonicity guard.
CREATE TABLE portal_sync (
    dossier_code   VARCHAR(64)  PRIMARY KEY,
    last_status    INT          NOT NULL,
    last_event_at  TIMESTAMPTZ  NOT NULL,
    last_event_id  VARCHAR(64)  NOT NULL,
    last_service   VARCHAR(40)  NOT NULL,
    synced_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    skipped_stale  INT          NOT NULL DEFAULT 0      -- older updates that were not sent
);
