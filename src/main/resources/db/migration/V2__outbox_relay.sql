-- The relay's role: one replica at a time holds the lease and publishes the outbox. Holding it
-- means owner/epoch match and expires_at is in the future; every acquisition increments epoch,
-- which fences the claim query of a replica that lost the lease.
CREATE TABLE outbox_relay_lease (
    name         text        PRIMARY KEY,
    owner        text,
    epoch        bigint      NOT NULL DEFAULT 0,
    acquired_at  timestamptz,
    expires_at   timestamptz NOT NULL DEFAULT '-infinity'
);

INSERT INTO outbox_relay_lease (name) VALUES ('outbox') ON CONFLICT DO NOTHING;
