-- Booking core: shows, seats, bookings, the outbox and idempotency records.
-- Every table carries show_id or is keyed independently of other rows, so that shows can be
-- sharded by show id later (see README, "Scale").

CREATE TABLE show (
    id          uuid        PRIMARY KEY,
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at   timestamptz NOT NULL,
    capacity    integer     NOT NULL CHECK (capacity > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint      NOT NULL DEFAULT 1
);

-- One row per seat. status, booking_id and version change together, always through a
-- conditional version update (UPDATE ... WHERE version = expected).
CREATE TABLE seat (
    show_id     uuid    NOT NULL REFERENCES show (id),
    label       text    NOT NULL,
    position    integer NOT NULL,
    status      text    NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'HELD', 'BOOKED')),
    booking_id  uuid,
    version     bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (show_id, label),
    CONSTRAINT seat_owner_matches_status CHECK ((status = 'AVAILABLE') = (booking_id IS NULL))
);
-- Seat map in display order, answered from the index alone when the visibility map allows.
CREATE UNIQUE INDEX seat_map_order ON seat (show_id, position) INCLUDE (label, status, version);

CREATE TABLE booking (
    id                 uuid        PRIMARY KEY,
    show_id            uuid        NOT NULL REFERENCES show (id),
    customer_id        text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
    seats              text[]      NOT NULL CHECK (cardinality(seats) > 0),
    expires_at         timestamptz NOT NULL,
    payment_reference  text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            bigint      NOT NULL DEFAULT 1
);
CREATE INDEX booking_by_customer ON booking (customer_id, created_at DESC, id);
CREATE INDEX booking_by_show ON booking (show_id, created_at DESC, id);
-- The expiry sweeper only ever looks at live holds.
CREATE INDEX booking_hold_expiry ON booking (expires_at) WHERE status = 'HELD';

-- The database's own guarantee that a seat belongs to at most one live booking: even a bug in
-- the application could not commit two live claims on one seat past this partial unique index.
CREATE TABLE booking_seat (
    booking_id  uuid    NOT NULL REFERENCES booking (id),
    show_id     uuid    NOT NULL,
    label       text    NOT NULL,
    live        boolean NOT NULL DEFAULT true,
    PRIMARY KEY (booking_id, label),
    FOREIGN KEY (show_id, label) REFERENCES seat (show_id, label)
);
CREATE UNIQUE INDEX booking_seat_one_live_claim ON booking_seat (show_id, label) WHERE live;

-- Transactional outbox: one row per event, written in the business transaction. payload holds
-- the exact bytes to publish (a structured CloudEvent for this service's own events).
CREATE TABLE outbox_event (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid        NOT NULL,
    event_type    text        NOT NULL,
    subject       text        NOT NULL,
    sequence      bigint      NOT NULL,
    exchange      text        NOT NULL,
    routing_key   text        NOT NULL,
    content_type  text        NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}',
    payload       bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at  timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text
);
-- The relay's claim walks only pending rows, however many published rows are kept.
CREATE INDEX outbox_pending ON outbox_event (id) WHERE published_at IS NULL;
-- Retention deletes published rows oldest first, in bounded batches.
CREATE INDEX outbox_published ON outbox_event (published_at) WHERE published_at IS NOT NULL;

-- Idempotency-Key records, per caller and key (IETF httpapi idempotency-key draft).
CREATE TABLE idempotency_record (
    caller            text        NOT NULL,
    idempotency_key   text        NOT NULL,
    fingerprint       text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
    locked_until      timestamptz,
    response_status   integer,
    response_headers  jsonb,
    response_body     bytea,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_expiry ON idempotency_record (expires_at);
