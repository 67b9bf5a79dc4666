-- Waiting rooms for on-sales (docs/waiting-room.md). One row per show that has one: the opening
-- time, and the shared queue state that every replica reads (cached) and that the admitter
-- advances with a compare-and-set on admitted_up_to, so that two replicas never admit twice.
CREATE TABLE waiting_room (
    show_id         uuid        PRIMARY KEY REFERENCES show (id),
    opens_at        timestamptz NOT NULL,
    opened_at       timestamptz,            -- set when the pre-queue was ranked
    closed_at       timestamptz,            -- sold out: nobody more is admitted
    last_position   bigint      NOT NULL DEFAULT 0,  -- the highest position given out
    admitted_up_to  bigint      NOT NULL DEFAULT 0,  -- every position up to here was admitted
    last_tick_at    timestamptz,            -- when admitted_up_to last moved (the rate budget)
    admission_rate  double precision NOT NULL DEFAULT 0, -- admissions per second, smoothed
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One ticket per customer per show. Before the opening a ticket has a random draw and no
-- position; the opening ranks the draws. Afterwards positions are given in order of arrival.
CREATE TABLE queue_ticket (
    show_id          uuid        NOT NULL REFERENCES waiting_room (show_id),
    customer_id      text        NOT NULL,
    draw             bigint      NOT NULL,
    position         bigint,
    state            text        NOT NULL DEFAULT 'WAITING'
                                 CHECK (state IN ('WAITING', 'ADMITTED', 'EXPIRED', 'DONE')),
    joined_at        timestamptz NOT NULL DEFAULT now(),
    admitted_at      timestamptz,
    last_active_at   timestamptz,
    PRIMARY KEY (show_id, customer_id)
);
CREATE UNIQUE INDEX queue_ticket_position ON queue_ticket (show_id, position);
-- The opening (and any straggler that joined while it ran) ranks the tickets without a position.
CREATE INDEX queue_ticket_unranked ON queue_ticket (show_id, draw) WHERE position IS NULL;
-- The admitted tickets: the slots in use, and the idle ones to expire.
CREATE INDEX queue_ticket_admitted ON queue_ticket (show_id, last_active_at) WHERE state = 'ADMITTED';
