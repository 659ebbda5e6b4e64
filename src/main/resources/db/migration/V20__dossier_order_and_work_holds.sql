-- The hub's own sequence of events: the order in which it accepted them. A dossier's events are ordered by when they
-- happened and, when their times tie (one-stop systems stamp events to the second), by this sequence.
ALTER TABLE inbound_event ADD COLUMN seq BIGSERIAL;
ALTER TABLE dossier ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;

-- The latest event of each dossier that the hub planned work for, per partner: what "in sync" means for a partner
-- (the portal's sync status compares what the portal last accepted with this).
CREATE TABLE dossier_partner_seq (
    dossier_code  VARCHAR(64)  NOT NULL,
    partner       VARCHAR(40)  NOT NULL,
    last_event_at TIMESTAMPTZ  NOT NULL,
    last_seq      BIGINT       NOT NULL,
    planned_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (dossier_code, partner)
);

-- Work of a dossier waiting behind earlier work of the same dossier and partner that waits for a retry: a
-- dossier's later work never overtakes earlier work. The first row of a (partner, dossier_code), by position, is the
-- work that may run; the others are re-queued behind it until it completes or is dead-lettered. Only the shard's
-- consumer (one at a time, exclusive queues) reads and writes a shard's rows.
CREATE TABLE work_hold (
    partner       VARCHAR(40)  NOT NULL,
    shard         INT          NOT NULL,
    dossier_code  VARCHAR(64)  NOT NULL,
    work_id       VARCHAR(160) NOT NULL,
    position      BIGINT       NOT NULL,
    held_since    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    reason        TEXT,
    PRIMARY KEY (partner, work_id)
);
CREATE INDEX work_hold_shard ON work_hold (partner, shard, dossier_code, position);
