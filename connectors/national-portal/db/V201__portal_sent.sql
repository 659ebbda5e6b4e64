-- Every event the portal accepted, recorded right after the portal's answer: when a batch of work is delivered
-- again after a crash, an event found here was already sent and is not sent a second time.
CREATE TABLE portal_sent (
    event_id      VARCHAR(64)  PRIMARY KEY,
    dossier_code  VARCHAR(64)  NOT NULL,
    service       VARCHAR(60)  NOT NULL,
    sent_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
