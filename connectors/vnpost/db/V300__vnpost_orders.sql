-- VNPost connector: one row per (dossier, purpose) = one VNPost order, and every tracking status seen for it.

-- The unique keys are the "exactly one order" guard: a second CreateOrder for the same dossier and purpose is
-- never attempted, whichever hub instance or redelivery asks. sale_order_code (our business key, sent to VNPost
-- as saleOrderCode) is how an order is found at VNPost after a crash between the call and our commit.
CREATE TABLE vnpost_order (
    id               BIGSERIAL    PRIMARY KEY,
    dossier_code     VARCHAR(64)  NOT NULL,
    purpose          VARCHAR(16)  NOT NULL,            -- PICKUP (citizen -> centre) or DELIVERY (result -> citizen)
    sale_order_code  VARCHAR(80)  NOT NULL,
    work_id          VARCHAR(160) NOT NULL,            -- the work item that first asked for the order
    state            VARCHAR(16)  NOT NULL,            -- CREATING, OPEN, CLOSED, CANCELLED
    create_attempts  INT          NOT NULL DEFAULT 0,  -- CreateOrder calls started (committed before each call)
    item_code        VARCHAR(40),                      -- VNPost tracking number
    order_hdr_id     VARCHAR(64),
    original_id      VARCHAR(64),                      -- what orderCancel wants
    cod_amount       BIGINT       NOT NULL DEFAULT 0,
    total_fee        BIGINT,
    last_status      INT,
    last_status_at   TIMESTAMPTZ,
    polled_at        TIMESTAMPTZ,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT vnpost_order_one_per_purpose UNIQUE (dossier_code, purpose),
    CONSTRAINT vnpost_order_sale_code UNIQUE (sale_order_code)
);
CREATE UNIQUE INDEX vnpost_order_item ON vnpost_order (item_code) WHERE item_code IS NOT NULL;
CREATE INDEX vnpost_order_open ON vnpost_order (state, polled_at);

-- Tracking statuses, each recorded once (poll and push deliver the same records; either may repeat them).
CREATE TABLE vnpost_status (
    id            BIGSERIAL    PRIMARY KEY,
    order_id      BIGINT       NOT NULL REFERENCES vnpost_order (id),
    status_code   INT          NOT NULL,
    status_name   VARCHAR(200),
    status_at     TIMESTAMPTZ  NOT NULL,
    update_id     VARCHAR(160),                        -- the dossier update it produced (null: stale, not forwarded)
    update_type   VARCHAR(60),
    channel       VARCHAR(8)   NOT NULL,               -- POLL or PUSH
    received_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT vnpost_status_once UNIQUE (order_id, status_code, status_at)
);
CREATE INDEX vnpost_status_order ON vnpost_status (order_id, id);
