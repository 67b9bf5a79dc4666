-- outbox_partition(subject) is strict and calls outbox_partition_count(), which was not: PostgreSQL
-- inlines a strict SQL function only if every function in its body is strict too, so the trigger
-- that fills outbox_pending ran the function through the SQL-function executor for every event,
-- parsing and planning its body each time (about 5 % of PostgreSQL's CPU at 100 bookings/s, perf,
-- 2026-12-04). A function without arguments loses nothing by being strict; the value is unchanged.
ALTER FUNCTION outbox_partition_count() STRICT;
