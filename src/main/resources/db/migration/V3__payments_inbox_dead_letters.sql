-- Payments in: the inbox that makes a redelivered payment event a no-op, and the parking table
-- of the dead letter channel.

-- One row per consumed message (dedupe key = AMQP message-id, else the CloudEvent id), written
-- in the same transaction as the message's effect. Outcomes that change nothing are recorded too,
-- so that a redelivery of them is recognised as a duplicate.
CREATE TABLE payment_inbox (
    message_id    text        PRIMARY KEY CHECK (length(message_id) BETWEEN 1 AND 256),
    event_type    text        NOT NULL,
    booking_id    uuid        NOT NULL,
    payment_id    text        NOT NULL,
    outcome       text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now()
);
-- Operators look up what happened to a booking's payments; retention deletes oldest first.
CREATE INDEX payment_inbox_by_booking ON payment_inbox (booking_id);
CREATE INDEX payment_inbox_processed ON payment_inbox (processed_at);

-- Parked messages: every message that reached the dead letter queue booking.dead-letters, with
-- what an operator needs to decide (reason, exception summary, attempts, where it came from) and
-- what a replay needs (the exact payload and properties). A row is PARKED until an operator
-- replays or discards it; both record who and when.
CREATE TABLE dead_letter (
    id                    uuid        PRIMARY KEY,
    -- One dead-lettering of one message: redelivery of the same dead letter stores nothing new.
    parking_key           text        NOT NULL UNIQUE,
    message_id            text,
    source_queue          text,
    original_exchange     text        NOT NULL,
    original_routing_key  text        NOT NULL,
    reason                text        NOT NULL,
    exception_summary     text,
    attempts              integer     NOT NULL DEFAULT 0,
    content_type          text,
    message_type          text,
    headers               jsonb       NOT NULL DEFAULT '{}',
    payload               bytea       NOT NULL,
    parked_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    status                text        NOT NULL DEFAULT 'PARKED'
                                      CHECK (status IN ('PARKED', 'REPLAYED', 'DISCARDED')),
    resolved_at           timestamptz,
    resolved_by           text,
    replay_event_id       uuid,
    replay_of             uuid,
    CONSTRAINT dead_letter_resolution CHECK ((status = 'PARKED') = (resolved_at IS NULL))
);
-- Listing newest first, optionally by reason or routing key; the age gauge reads the oldest
-- PARKED row.
CREATE INDEX dead_letter_by_time ON dead_letter (parked_at DESC, id DESC);
CREATE INDEX dead_letter_by_reason ON dead_letter (reason, parked_at DESC);
CREATE INDEX dead_letter_by_routing_key ON dead_letter (original_routing_key, parked_at DESC);
CREATE INDEX dead_letter_parked ON dead_letter (parked_at) WHERE status = 'PARKED';
