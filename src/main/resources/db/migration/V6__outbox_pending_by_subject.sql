-- The relay's claim asks, for each pending row, whether an earlier row of the same subject is
-- still pending (then the row waits: per-subject order is a property of the claim, not of what
-- the relay remembers). This index answers that with one probe; like outbox_pending it holds
-- only pending rows, so it stays as small as the backlog.
CREATE INDEX outbox_pending_by_subject ON outbox_event (subject, id) WHERE published_at IS NULL;
