-- Publish progress without rewriting the event row's indexes (docs/relay.md, "What a publish costs").
--
-- 1. Pending rows are listed in a narrow queue, outbox_pending (subject hash, id), written in the
--    same statement as the event row (OutboxWriter) and deleted when the broker confirmed it. The
--    claim walks the queue, never the event table; retention and ad-hoc queries keep reading
--    outbox_event.published_at, which is still set.
-- 2. No index of outbox_event mentions published_at any more, so setting it is a HOT update (the
--    index entries stay, and with the free space fillfactor leaves on each page the new row version
--    stays on the same page: its WAL record carries only the changed bytes).
-- 3. Relaying is partitioned by a hash of the subject: the lease table gets one row per partition
--    and the replicas that relay announce themselves in outbox_relay_member.

DROP INDEX outbox_pending;
DROP INDEX outbox_pending_by_subject;
DROP INDEX outbox_published;

CREATE TABLE outbox_pending (
    subject_hash integer NOT NULL,   -- hashtext(subject): the partition, and the subject's earlier rows
    id           bigint  NOT NULL,   -- outbox_event.id
    PRIMARY KEY (subject_hash, id)
);
-- The claim walks pending ids in order and stops after a batch (the primary key serves the
-- per-subject probe and the mark).
CREATE INDEX outbox_pending_id ON outbox_pending (id) INCLUDE (subject_hash);
INSERT INTO outbox_pending (subject_hash, id)
SELECT hashtext(subject), id FROM outbox_event WHERE published_at IS NULL;

ALTER TABLE outbox_event SET (fillfactor = 50);
-- Retention finds old rows through this (created_at is never updated, so it does not stop HOT).
CREATE INDEX outbox_event_created ON outbox_event USING brin (created_at);

ALTER TABLE outbox_relay_lease ADD COLUMN partition integer NOT NULL DEFAULT 0;
ALTER TABLE outbox_relay_lease DROP CONSTRAINT outbox_relay_lease_pkey;
ALTER TABLE outbox_relay_lease ADD PRIMARY KEY (name, partition);

CREATE TABLE outbox_relay_member (
    name        text        NOT NULL,   -- the lease name
    member      text        NOT NULL,   -- the relay's owner id
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (name, member)
);
