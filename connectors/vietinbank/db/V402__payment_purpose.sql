-- A dossier may owe fees (FEE_ASSESSED) and a tax (the tax office's notice, TAX_NOTICE_ISSUED) at the same time:
-- each has its own payment code, and a re-assessment replaces only the open request of the same purpose.
ALTER TABLE vtb_payment_request ADD COLUMN purpose VARCHAR(8) NOT NULL DEFAULT 'FEE';
DROP INDEX vtb_payment_request_open;
CREATE UNIQUE INDEX vtb_payment_request_open ON vtb_payment_request (dossier_code, purpose) WHERE status = 'OPEN';
