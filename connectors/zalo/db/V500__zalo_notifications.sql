-- Zalo connector (connectors/zalo): citizen notifications, the OA access token, webhooks.

-- One notification per (dossier, event, recipient): the unique key is what stops a redelivered or repeated
-- event from reaching the citizen twice. message_id is our id for it (ZNS tracking_id, SMS RequestId).
CREATE TABLE notify_message (
    message_id     VARCHAR(64)  PRIMARY KEY,
    dossier_code   VARCHAR(64)  NOT NULL,
    event_key      VARCHAR(120) NOT NULL,          -- event type, plus the fact that makes a repeat legitimate
    recipient      VARCHAR(16)  NOT NULL,          -- local phone 0xxxxxxxxx (personal data: never logged)
    event_type     VARCHAR(40)  NOT NULL,
    work_id        VARCHAR(160) NOT NULL,
    channel        VARCHAR(8),                     -- ZALO or SMS once decided
    status         VARCHAR(20)  NOT NULL,          -- PENDING, ZALO_SENT, ZALO_DELIVERED, SMS_QUEUED
    zalo_msg_id    VARCHAR(64),
    detail         TEXT,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT notify_message_once UNIQUE (dossier_code, event_key, recipient)
);
CREATE INDEX notify_message_zalo_msg ON notify_message (zalo_msg_id);

-- Phones Zalo said have no (active) account: the next messages go straight to SMS until no_zalo_until.
CREATE TABLE zalo_no_account (
    phone          VARCHAR(16)  PRIMARY KEY,
    error_code     INT          NOT NULL,
    no_zalo_until  TIMESTAMPTZ  NOT NULL,
    recorded_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- The OA's tokens, one row. The refresh token works once, so refreshing happens under this row's lock
-- (SELECT ... FOR UPDATE): one refresh at a time across all hub instances, the new refresh token stored
-- in the same transaction.
CREATE TABLE zalo_token (
    id                 SMALLINT     PRIMARY KEY CHECK (id = 1),
    access_token       TEXT,
    access_expires_at  TIMESTAMPTZ,
    refresh_token      TEXT         NOT NULL,
    refreshed_at       TIMESTAMPTZ,
    refresh_count      BIGINT       NOT NULL DEFAULT 0
);

-- Webhook deliveries from Zalo, made durable before the 200 answer and processed afterwards.
-- dedupe_key is unique: a delivery Zalo repeats is acknowledged and ignored.
CREATE TABLE zalo_webhook_event (
    id           BIGSERIAL    PRIMARY KEY,
    dedupe_key   VARCHAR(160) NOT NULL UNIQUE,
    event_name   VARCHAR(60)  NOT NULL,
    payload      TEXT         NOT NULL,            -- may hold a phone or a message text: never logged
    status       VARCHAR(12)  NOT NULL DEFAULT 'NEW',   -- NEW, PROCESSING, DONE, FAILED
    attempts     INT          NOT NULL DEFAULT 0,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    claimed_at   TIMESTAMPTZ,
    processed_at TIMESTAMPTZ,
    last_error   TEXT
);
CREATE INDEX zalo_webhook_event_pending ON zalo_webhook_event (status, id);

-- Zalo users of the OA (user_id_by_app) whose phone the hub knows: learned from ZNS delivery receipts (the
-- message we sent to that phone reached that user) or from the user sharing the phone with the OA.
-- The self-service look-up only answers for dossiers of that phone.
CREATE TABLE zalo_follower (
    user_id     VARCHAR(64)  PRIMARY KEY,
    phone       VARCHAR(16)  NOT NULL,
    learned_by  VARCHAR(40)  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
