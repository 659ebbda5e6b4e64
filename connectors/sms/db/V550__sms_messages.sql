-- SMS connector (connectors/sms): brandname messages and their delivery reports.

-- One SMS per message id (the id the notification got upstream; the gateway's RequestId).
CREATE TABLE sms_message (
    message_id       VARCHAR(64)  PRIMARY KEY,
    dossier_code     VARCHAR(64),
    event_type       VARCHAR(40)  NOT NULL,
    phone            VARCHAR(16)  NOT NULL,        -- local form 0xxxxxxxxx (personal data: never logged)
    content          TEXT         NOT NULL,        -- as sent (without diacritics by default)
    segments         INT          NOT NULL,
    urgent           BOOLEAN      NOT NULL DEFAULT false,   -- sent even in quiet hours (the apology)
    status           VARCHAR(16)  NOT NULL,        -- DEFERRED, RELEASED, SENT, NOT_REACHABLE
    not_before       TIMESTAMPTZ,                  -- quiet hours: not sent before this instant
    code_result      INT,
    sms_id           VARCHAR(64),
    sent_at          TIMESTAMPTZ,
    delivery_status  INT,                          -- last DLR SendStatus (5 sent, 4 rejected, ...)
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX sms_message_deferred ON sms_message (not_before) WHERE status = 'DEFERRED';
CREATE INDEX sms_message_sms_id ON sms_message (sms_id);

-- Delivery reports as received (the gateway retries a callback up to 5 times: one row per SMS and status).
CREATE TABLE sms_delivery_report (
    id           BIGSERIAL    PRIMARY KEY,
    sms_id       VARCHAR(64)  NOT NULL,
    send_status  INT          NOT NULL,
    send_success INT,
    telco_id     INT,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT sms_delivery_report_once UNIQUE (sms_id, send_status)
);
