-- Dead letters at scale (docs/dead-letters.md): a failure fingerprint per parked letter, bulk
-- replay and discard as resumable jobs, and retention of resolved letters.

-- The fingerprint groups letters that failed for the same cause: md5 of reason, exception type,
-- message type (AMQP type, else the routing key) and the first application frame, cut to 16 hex
-- digits (FailureFingerprint computes the same for newly parked letters).
ALTER TABLE dead_letter
    ADD COLUMN exception_type  text,
    ADD COLUMN failure_origin  text,
    ADD COLUMN fingerprint     text,
    ADD COLUMN resolved_by_job uuid;

UPDATE dead_letter
   SET exception_type = nullif(substring(exception_summary FROM '^([A-Za-z_$][A-Za-z0-9_$.]*)(:|$)'), '');
UPDATE dead_letter
   SET fingerprint = left(md5(reason || '|' || coalesce(exception_type, '') || '|'
                             || coalesce(message_type, original_routing_key) || '|' || coalesce(failure_origin, '')), 16);
ALTER TABLE dead_letter ALTER COLUMN fingerprint SET NOT NULL;

-- Group summaries and bulk jobs select by fingerprint (and time); retention by resolved_at.
CREATE INDEX dead_letter_by_fingerprint ON dead_letter (fingerprint, parked_at);
CREATE INDEX dead_letter_resolved ON dead_letter (resolved_at) WHERE status <> 'PARKED';

-- One bulk replay or discard: the audit record (who, when, which filter, how many) and the state
-- that lets any replica resume it after a crash. Letters a job resolves carry its id
-- (dead_letter.resolved_by_job), and each batch commits with the job's progress.
CREATE TABLE dead_letter_bulk_job (
    id              uuid        PRIMARY KEY,
    action          text        NOT NULL CHECK (action IN ('REPLAY', 'DISCARD')),
    filter          jsonb       NOT NULL,
    requested_by    text        NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Only letters parked up to here are in scope: a letter parked later is not the operator's choice.
    snapshot_at     timestamptz NOT NULL,
    matched         integer     NOT NULL,
    processed       integer     NOT NULL DEFAULT 0,
    rate_per_second integer     NOT NULL CHECK (rate_per_second > 0),
    status          text        NOT NULL DEFAULT 'RUNNING'
                                CHECK (status IN ('RUNNING', 'COMPLETED', 'CANCELLED')),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    -- The replica working on it, until lease_until; another takes over after that.
    owner           text,
    lease_until     timestamptz
);
CREATE INDEX dead_letter_bulk_job_running ON dead_letter_bulk_job (requested_at) WHERE status = 'RUNNING';
CREATE INDEX dead_letter_bulk_job_by_time ON dead_letter_bulk_job (requested_at DESC, id DESC);
