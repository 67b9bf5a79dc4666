-- Seeds the pgbench baseline's database (already migrated with the service's schema): one show
-- per pgbench client, with :seats seats S1..Sn each, so that no two clients ever contend, as no
-- two bookings of the throughput scenario do. Run with psql -v clients=20 -v seats=30000.
INSERT INTO show (id, title, starts_at, capacity)
SELECT ('bbbbbbbb-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, 'pgbench ' || c, now() + interval '30 days', :seats
  FROM generate_series(0, :clients - 1) AS c;
INSERT INTO seat (show_id, label, position)
SELECT ('bbbbbbbb-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, 'S' || s, s
  FROM generate_series(0, :clients - 1) AS c, generate_series(1, :seats) AS s;
ANALYZE;
