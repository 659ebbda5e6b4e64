-- Land-transfer tax declarations sent to the tax office and their answers (connectors/tax).
-- document_id is the edXML DocumentId of the declaration: what the tax office's answers refer to (ResponseFor).
CREATE SEQUENCE tax_document_seq START 1;

CREATE TABLE tax_declaration (
    document_id        VARCHAR(80)  PRIMARY KEY,
    work_id            VARCHAR(160) NOT NULL UNIQUE,       -- the hub's work id: one declaration per work item
    dossier_code       VARCHAR(64)  NOT NULL,
    code_number        VARCHAR(20)  NOT NULL,              -- edXML Code/CodeNumber
    declared_value     BIGINT       NOT NULL CHECK (declared_value >= 0),
    state              VARCHAR(20)  NOT NULL,              -- SUBMITTING, SUBMITTED, NOTICE_ISSUED, REJECTED, OVERDUE
    receipt_number     VARCHAR(64),                        -- the tax office's, from SubmitDeclaration's answer
    submitted_at       TIMESTAMPTZ,
    answer_due_at      TIMESTAMPTZ,                        -- submitted_at + answer-timeout: then the state is asked for
    state_queried_at   TIMESTAMPTZ,
    overdue_at         TIMESTAMPTZ,
    overdue_reason     TEXT,
    answered_at        TIMESTAMPTZ,
    answered_by        VARCHAR(16),                        -- CALLBACK or STATE_QUERY
    callback_id        VARCHAR(80),                        -- the tax office's message id of the answer applied
    notice_number      VARCHAR(64),
    tax_office_code    VARCHAR(40),
    amount             BIGINT       CHECK (amount >= 0),   -- integer VND
    payment_reference  VARCHAR(64),
    due_date           DATE,
    rejection_reasons  TEXT,                               -- JSON array
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX tax_declaration_dossier ON tax_declaration (dossier_code);
CREATE INDEX tax_declaration_waiting ON tax_declaration (answer_due_at) WHERE state IN ('SUBMITTED', 'SUBMITTING');

-- Every callback the hub acknowledged, applied or not (a repeat of an applied one is acknowledged, not applied again).
CREATE TABLE tax_callback (
    callback_id   VARCHAR(80)  PRIMARY KEY,
    document_id   VARCHAR(80)  NOT NULL REFERENCES tax_declaration (document_id),
    kind          VARCHAR(16)  NOT NULL,                   -- NOTICE or REJECTION
    outcome       VARCHAR(16)  NOT NULL,                   -- APPLIED or DUPLICATE
    received_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Updates for the one-stop system, written in the transaction that applies an answer, published by TaxUpdateRelay.
CREATE TABLE tax_update_outbox (
    id          BIGSERIAL    PRIMARY KEY,
    update_json TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at     TIMESTAMPTZ
);
CREATE INDEX tax_update_outbox_pending ON tax_update_outbox (id) WHERE sent_at IS NULL;
