-- One business-like commit for pgbench: an outbox row of an event's size and the NOTIFY, in one
-- statement, exactly as OutboxWriter writes them.
\set subject random(1, 2000000000)
WITH appended AS (
    INSERT INTO outbox_event (event_id, event_type, subject, sequence, exchange, routing_key, content_type, payload)
    VALUES (gen_random_uuid(), 'booking.held', 'bench-' || :subject, 1, 'booking.events', 'booking.held',
            'application/cloudevents+json', convert_to(repeat('x', 650), 'UTF8'))
    RETURNING id
)
SELECT pg_notify('outbox_event', '') FROM (SELECT 1 FROM appended LIMIT 1) AS written;
