-- Partitioned relaying (docs/relay.md, "Partitions"): every replica relays. Subjects hash into a
-- fixed number of partitions; each partition is a lease of its own (owner, epoch, expiry), and
-- replicas share the partitions evenly, counting each other by the heartbeats in
-- outbox_relay_member. The claim reads only the pending rows of the partitions its caller holds,
-- fenced by each partition's epoch.

-- The number of partitions is part of the schema: a subject's partition must never change while
-- it has pending rows. 64 spreads evenly over any replica count a deployment runs.
CREATE FUNCTION outbox_partition_count() RETURNS integer IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS 'SELECT 64';

-- md5 rather than the internal hash functions: its value is fixed whatever the server version, and
-- a client can compute it too (the test suite does, to group events by partition).
CREATE FUNCTION outbox_partition(subject text) RETURNS smallint IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT ((get_byte(decode(md5(subject), 'hex'), 0) * 256 + get_byte(decode(md5(subject), 'hex'), 1))
                  % outbox_partition_count())::smallint $$;

ALTER TABLE outbox_pending ADD COLUMN partition smallint;
UPDATE outbox_pending SET partition = outbox_partition(subject);
ALTER TABLE outbox_pending ALTER COLUMN partition SET NOT NULL;

CREATE OR REPLACE FUNCTION outbox_event_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_pending (id, subject, partition)
    SELECT id, subject, outbox_partition(subject) FROM inserted;
    RETURN NULL;
END
$$;

-- One lease per (relay name, partition). Holding it means owner/epoch match and expires_at is in
-- the future; every acquisition increments epoch, which fences the claims of a replica that lost it.
CREATE TABLE outbox_relay_partition (
    name         text        NOT NULL,
    partition    smallint    NOT NULL,
    owner        text,
    epoch        bigint      NOT NULL DEFAULT 0,
    acquired_at  timestamptz,
    expires_at   timestamptz NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (name, partition)
);

INSERT INTO outbox_relay_partition (name, partition)
SELECT 'outbox', p FROM generate_series(0, outbox_partition_count() - 1) AS p;

-- The replicas taking part in relaying under a name: each renews its row with its partitions; a
-- row whose expiry passed is a replica gone, and the others share its partitions.
CREATE TABLE outbox_relay_member (
    name        text        NOT NULL,
    owner       text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (name, owner)
);

-- outbox_relay_lease (the single lease of earlier versions) stays for the replicas of the previous
-- version during a rolling update (docs/operations.md); a later migration drops it.
