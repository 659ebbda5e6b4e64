-- The hub's record of the payments confirmed for a dossier (a core read model, whichever connector confirmed them):
-- one row per PAYMENT_CONFIRMED update, written in the same transaction as the payment itself. Other connectors
-- read it without knowing the payment connector, e.g. VNPost's cash-on-delivery = fees still unpaid after these.
CREATE TABLE dossier_payment (
    update_id     VARCHAR(140) PRIMARY KEY,          -- the PAYMENT_CONFIRMED update: a payment is recorded once
    dossier_code  VARCHAR(64)  NOT NULL,
    source        VARCHAR(40)  NOT NULL,             -- the partner that confirmed it (vietinbank, ...)
    payment_code  VARCHAR(20)  NOT NULL,             -- detail.custCode
    amount        BIGINT       NOT NULL CHECK (amount > 0),
    fees          TEXT         NOT NULL,             -- JSON: the fees it settled [{code, amount, ...}]
    paid_at       TIMESTAMPTZ  NOT NULL,
    recorded_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX dossier_payment_dossier ON dossier_payment (dossier_code);
