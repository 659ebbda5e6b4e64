-- The FEE_ASSESSED event that opened (or reopened) a payment request: the PAYMENT_REQUESTED update names it
-- (detail.assessmentEventId), so a new assessment is a new fact for the one-stop system and a new citizen message,
-- while the same assessment delivered again is not.
ALTER TABLE vtb_payment_request ADD COLUMN assessment_event_id VARCHAR(64);
