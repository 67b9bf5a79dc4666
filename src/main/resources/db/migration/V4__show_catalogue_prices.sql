-- Shows become a catalogue with a life of their own (docs/api.md, "Shows"): an optional sales
-- window, one currency, changes (version, updated_at) and cancellation; seats get a price
-- category; a booking freezes its total when it is held.

ALTER TABLE show
    ADD COLUMN sales_start          timestamptz,
    ADD COLUMN sales_end            timestamptz,
    ADD COLUMN currency             text        NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN updated_at           timestamptz NOT NULL DEFAULT now(),
    -- Set once by POST /api/shows/{id}/cancel; the cancellation job then cancels the show's live
    -- bookings in batches and sets cancellation_done_at when none is left (resumable: the
    -- remaining work is always "the live bookings of a cancelled show").
    ADD COLUMN cancelled_at         timestamptz,
    ADD COLUMN cancellation_done_at timestamptz,
    ADD CONSTRAINT show_sales_window CHECK (sales_start IS NULL OR sales_end IS NULL OR sales_start < sales_end),
    ADD CONSTRAINT show_cancellation_done CHECK (cancellation_done_at IS NULL OR cancelled_at IS NOT NULL);
-- The catalogue: ordered by start, filtered by a start range.
CREATE INDEX show_catalogue ON show (starts_at, id);
-- The cancellation job's work list stays tiny whatever the number of shows.
CREATE INDEX show_cancellation_pending ON show (cancelled_at)
    WHERE cancelled_at IS NOT NULL AND cancellation_done_at IS NULL;

-- Each seat's price category and its price in minor units of the show's currency. Existing seats
-- (shows created before prices existed) are "standard" at 0, the same default as a show created
-- without prices.
ALTER TABLE seat
    ADD COLUMN category    text   NOT NULL DEFAULT 'standard',
    ADD COLUMN price_cents bigint NOT NULL DEFAULT 0 CHECK (price_cents >= 0);
DROP INDEX seat_map_order;
CREATE UNIQUE INDEX seat_map_order ON seat (show_id, position) INCLUDE (label, status, version, category, price_cents);

-- The total a hold froze: what a payment must match.
ALTER TABLE booking
    ADD COLUMN total_cents bigint NOT NULL DEFAULT 0 CHECK (total_cents >= 0),
    ADD COLUMN currency    text   NOT NULL DEFAULT 'EUR';
-- The show cancellation walks a show's live bookings.
CREATE INDEX booking_live_by_show ON booking (show_id, id) WHERE status IN ('HELD', 'CONFIRMED');
