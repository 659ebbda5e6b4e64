-- The sweep looks for events left NEW or half done. An index of those alone stays small: done events drop out of
-- it, where the old (status, id) index kept an entry of every event ever received.
DROP INDEX zalo_webhook_event_pending;
CREATE INDEX zalo_webhook_event_pending ON zalo_webhook_event (id) WHERE status IN ('NEW', 'PROCESSING');
