-- Publish progress without rewriting event rows (docs/relay.md, "What a publish costs PostgreSQL").
-- An event is pending while its id is in outbox_pending; the relay deletes the id once the broker
-- confirmed the message. Until now the relay set outbox_event.published_at, a non-HOT update of the
-- whole row (about 800 bytes) because published_at was in the pending indexes' predicates: about
-- 1 KB of WAL per event (bench/analysis.md). Deleting a narrow row writes a few dozen bytes.
--
-- A statement-level trigger adds the pending row in the same statement as the event, whoever
-- writes it (the service's OutboxWriter, a replay, a benchmark or a test), so that no writer can
-- forget it and no event is ever visible without its pending row.

-- The partial indexes go first: the table takes the name of one of them.
DROP INDEX outbox_pending;
DROP INDEX outbox_pending_by_subject;
DROP INDEX outbox_published;

CREATE TABLE outbox_pending (
    id       bigint PRIMARY KEY,
    subject  text   NOT NULL
);
-- The claim's held_back probe: is an earlier row of this subject still pending?
CREATE INDEX outbox_pending_by_subject ON outbox_pending (subject, id);

INSERT INTO outbox_pending (id, subject)
SELECT id, subject FROM outbox_event WHERE published_at IS NULL;

ALTER TABLE outbox_event DROP COLUMN published_at;

-- Retention deletes rows written more than outbox.retention.keep ago and no longer pending; the
-- rows are written in time order, which a BRIN index answers in a few pages, at almost no cost per
-- insert.
CREATE INDEX outbox_created ON outbox_event USING brin (created_at);

CREATE FUNCTION outbox_event_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_pending (id, subject) SELECT id, subject FROM inserted;
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_event_pending AFTER INSERT ON outbox_event
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_event_pending();
