-- VietinBank fee payments (connectors/vietinbank). Money is integer VND (BIGINT), never a float.

-- Payment codes handed out for 'collection' by numeric suffix (custCode = 'LG' + 10 digits).
CREATE SEQUENCE vtb_cust_code_seq START 1000001;

-- One payment request per dossier and fee set. Re-assessment replaces an unpaid request (status REPLACED);
-- a request that received money is never replaced.
CREATE TABLE vtb_payment_request (
    cust_code        VARCHAR(20)  PRIMARY KEY,          -- the payment code the citizen pays (VietQR purpose)
    dossier_code     VARCHAR(64)  NOT NULL,
    fee_set_hash     VARCHAR(64)  NOT NULL,             -- sha256 of the unpaid fees (code:amount, sorted)
    fees             TEXT         NOT NULL,             -- JSON array of the fees covered
    amount           BIGINT       NOT NULL CHECK (amount > 0),
    status           VARCHAR(16)  NOT NULL,             -- OPEN, PAID, REPLACED
    qr               TEXT         NOT NULL,
    expires_at       TIMESTAMPTZ  NOT NULL,
    work_id          VARCHAR(160),
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    paid_trans_id    VARCHAR(64),
    paid_at          TIMESTAMPTZ,
    CONSTRAINT vtb_payment_request_fee_set UNIQUE (dossier_code, fee_set_hash)
);
-- At most one open request per dossier: what the citizen is asked to pay is never ambiguous.
CREATE UNIQUE INDEX vtb_payment_request_open ON vtb_payment_request (dossier_code) WHERE status = 'OPEN';

-- Applied bank transactions: the dedupe record. transId unique = a notification is applied at most once;
-- cust_code unique = a payment request is settled by at most one transaction.
CREATE TABLE vtb_transaction (
    trans_id         VARCHAR(64)  PRIMARY KEY,
    cust_code        VARCHAR(20)  NOT NULL UNIQUE REFERENCES vtb_payment_request (cust_code),
    dossier_code     VARCHAR(64)  NOT NULL,
    amount           BIGINT       NOT NULL,
    trans_time       TIMESTAMPTZ  NOT NULL,
    bank_trans_id    VARCHAR(64),
    applied_by       VARCHAR(16)  NOT NULL,             -- IPN or RECONCILIATION
    applied_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX vtb_transaction_time ON vtb_transaction (trans_time);

-- Notifications (or statement lines) that were not applied, for operators: wrong amounts (over/partial
-- payment), payments to expired/replaced or already-paid codes, unknown codes, bad signatures. Not unique:
-- every attempt is kept.
CREATE TABLE vtb_payment_exception (
    id               BIGSERIAL    PRIMARY KEY,
    trans_id         VARCHAR(64),
    cust_code        VARCHAR(20),
    dossier_code     VARCHAR(64),
    amount           BIGINT,
    owed             BIGINT,
    kind             VARCHAR(24)  NOT NULL,             -- BAD_SIGNATURE, UNKNOWN_CODE, OVERPAID, UNDERPAID, EXPIRED, ALREADY_PAID, INVALID
    reply_code       VARCHAR(4),
    source           VARCHAR(16)  NOT NULL,             -- IPN or RECONCILIATION
    detail           TEXT,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX vtb_payment_exception_trans ON vtb_payment_exception (trans_id);

-- Outbox of dossier updates, written in the same transaction as the payment; a relay publishes pending rows
-- through the core's DossierUpdates and marks them sent (the updateId makes a repeat after a crash harmless).
CREATE TABLE vtb_update_outbox (
    id               BIGSERIAL    PRIMARY KEY,
    update_id        VARCHAR(160) NOT NULL UNIQUE,
    dossier_code     VARCHAR(64)  NOT NULL,
    update_json      TEXT         NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at          TIMESTAMPTZ
);
CREATE INDEX vtb_update_outbox_pending ON vtb_update_outbox (id) WHERE sent_at IS NULL;

-- One reconciliation run per statement date, cluster-wide: the row is the lock (SELECT ... FOR UPDATE SKIP LOCKED).
CREATE TABLE vtb_reconciliation_run (
    statement_date   DATE         PRIMARY KEY,
    status           VARCHAR(16)  NOT NULL,             -- PENDING, DONE, FAILED
    runs             INT          NOT NULL DEFAULT 0,
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    statement_lines  INT,
    matched          INT,
    applied          INT,
    problems         INT,
    report           TEXT                               -- JSON: the run's findings for operators
);
