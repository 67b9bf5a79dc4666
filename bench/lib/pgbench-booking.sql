-- One booking as the service makes it, statement for statement (booking/repository,
-- outbox/OutboxWriter): the hold's pre-read (the show, for its status and currency, with the asked
-- seats and their prices, in one statement), its transaction (the conditional seat update with the
-- booking and claim insert in one statement; the outbox row), the confirm's transaction (the
-- booking's update under the conditions a read would check, with its seats', in one statement,
-- nothing read before it; the outbox row). The
-- service's NOTIFY after the commits (OutboxSignal: one at a time per replica, on a connection of
-- its own) is not here: pgbench has no such thing, and its cost counts as the service's. The
-- service's parameters become expressions of the client id and a per-client counter (-D n=0),
-- computed in the server: each client books its own show's seats S1, S2, ... so nothing contends.
-- The event payload has the events' size (650 bytes).
\set n :n + 1
SELECT id, title, starts_at, capacity, created_at, sales_start, sales_end, currency, cancelled_at, version,
       updated_at, seat_label, seat_status, seat_version, seat_category, seat_price_cents
  FROM show
  LEFT JOIN LATERAL (SELECT label AS seat_label, status AS seat_status, version AS seat_version,
                            category AS seat_category, price_cents AS seat_price_cents
                       FROM seat
                      WHERE seat.show_id = show.id AND seat.label = ANY (ARRAY['S' || :n])) AS asked ON true
 WHERE id = ('bbbbbbbb-0000-4000-8000-' || lpad(:client_id::text, 12, '0'))::uuid \gset
BEGIN;
WITH claimed AS (
    UPDATE seat
       SET status = 'HELD', booking_id = md5(:client_id || '-' || :n)::uuid, version = version + 1
     WHERE show_id = ('bbbbbbbb-0000-4000-8000-' || lpad(:client_id::text, 12, '0'))::uuid
       AND label = ANY (ARRAY['S' || :n])
       AND status = 'AVAILABLE'
       AND version = (ARRAY[:seat_version]::bigint[])[array_position(ARRAY['S' || :n], label)]
    RETURNING label
), complete AS (
    SELECT count(*) = cardinality(ARRAY['S' || :n]) AS every_seat FROM claimed
), held AS (
    INSERT INTO booking (id, show_id, customer_id, status, seats, expires_at, created_at, updated_at, version,
                         total_cents, currency)
    SELECT md5(:client_id || '-' || :n)::uuid, ('bbbbbbbb-0000-4000-8000-' || lpad(:client_id::text, 12, '0'))::uuid,
           'pgbench-' || :client_id, 'HELD', ARRAY['S' || :n], now() + interval '10 minutes', now(), now(), 1,
           :seat_price_cents, 'EUR'
      FROM complete WHERE every_seat
), claims AS (
    INSERT INTO booking_seat (booking_id, show_id, label)
    SELECT md5(:client_id || '-' || :n)::uuid, ('bbbbbbbb-0000-4000-8000-' || lpad(:client_id::text, 12, '0'))::uuid, unnest(ARRAY['S' || :n])
      FROM complete WHERE every_seat
)
SELECT label FROM claimed;
INSERT INTO outbox_event
       (event_id, event_type, subject, sequence, exchange, routing_key, content_type, headers, payload)
SELECT * FROM unnest(ARRAY[gen_random_uuid()], ARRAY['booking.held'], ARRAY[md5(:client_id || '-' || :n)],
                     ARRAY[1::bigint], ARRAY['booking.events'], ARRAY['booking.held'],
                     ARRAY['application/cloudevents+json'], ARRAY['{}'::jsonb],
                     ARRAY[convert_to(repeat('x', 650), 'UTF8')]);
COMMIT;
BEGIN;
WITH confirmed AS (
    UPDATE booking
       SET status = 'CONFIRMED', version = version + 1, updated_at = now(),
           payment_reference = coalesce(NULL, payment_reference)
     WHERE id = md5(:client_id || '-' || :n)::uuid
       AND status = 'HELD'
       AND expires_at > now()
       AND ('pgbench-' || :client_id IS NULL OR customer_id = 'pgbench-' || :client_id)
       AND (NULL::bigint[] IS NULL OR version = ANY (NULL::bigint[]))
    RETURNING id, show_id, customer_id, status, seats, expires_at, payment_reference, created_at,
              updated_at, version, total_cents, currency
), booked AS (
    UPDATE seat
       SET status = 'BOOKED', version = version + 1
     WHERE show_id = (SELECT show_id FROM confirmed)
       AND label = ANY ((SELECT seats FROM confirmed)::text[])
       AND booking_id = md5(:client_id || '-' || :n)::uuid
       AND status = 'HELD'
    RETURNING label, version
)
SELECT c.*, ARRAY(SELECT label FROM booked ORDER BY label) AS owned_labels,
       ARRAY(SELECT version FROM booked ORDER BY label) AS owned_versions
  FROM confirmed c;
INSERT INTO outbox_event
       (event_id, event_type, subject, sequence, exchange, routing_key, content_type, headers, payload)
SELECT * FROM unnest(ARRAY[gen_random_uuid()], ARRAY['booking.confirmed'], ARRAY[md5(:client_id || '-' || :n)],
                     ARRAY[2::bigint], ARRAY['booking.events'], ARRAY['booking.confirmed'],
                     ARRAY['application/cloudevents+json'], ARRAY['{}'::jsonb],
                     ARRAY[convert_to(repeat('x', 650), 'UTF8')]);
COMMIT;
