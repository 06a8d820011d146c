import GantryPostgres

extension GantrySchema {
    /// Migration 10: what the coordinator keeps (DESIGN.md "coordinator").
    ///
    /// - `coordinator_fence`: one row, the highest fencing token that has written. Every leader-only
    ///   transaction first raises it to its own token and refuses to go on when a newer leader has
    ///   already written (`UPDATE … WHERE token <= $mine`): a leader paused past its lock's expiry can
    ///   no longer change anything once its successor has acted.
    /// - `schedules`: cron schedules (five fields, evaluated in `time_zone`), declared by the built-in
    ///   defaults, a configuration file or the API. `next_fire_at` is the firing the leader waits
    ///   for; `missed` says what to do with firings that fell in a downtime (`catch_up` enqueues each,
    ///   `skip` only the latest one).
    /// - `schedule_firings`: one row per firing that was enqueued. Its primary key (schedule, fire
    ///   time) makes a second enqueue of one firing impossible, whoever leads.
    /// - `project_events`: the outbox of the phase state machine. Every change of a project's phases,
    ///   steps, state or health is a row, written in the transaction that made the change, so history
    ///   can be replayed and the coordinator dispatches each event's follow-ups (`dispatched_at`).
    /// - `follow_ups`: one row per step of a follow-up chain run for a triggering event; `UNIQUE
    ///   (trigger_event, chain, step)` is what makes each step run once per trigger.
    /// - `phase_steps.approved_by`: who approved a review gate. `projects.at_risk`: a phase ran past
    ///   its forecast P80.
    static let coordinator = Migration(
        version: 10, name: "coordinator",
        sql: """
            CREATE TABLE coordinator_fence (
                id         smallint PRIMARY KEY CHECK (id = 1),
                token      bigint NOT NULL CHECK (token >= 0),
                holder     text,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO coordinator_fence (id, token) VALUES (1, 0);

            CREATE TABLE schedules (
                -- What `gantry schedules pause NAME` names.
                name          text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
                -- Five cron fields or a macro (@hourly, @daily, @weekly, @monthly); the coordinator parses it.
                cron          text NOT NULL CHECK (btrim(cron) <> '' AND length(cron) <= 200),
                -- An IANA zone name; the coordinator refuses one it cannot load.
                time_zone     text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
                kind          text NOT NULL CHECK (btrim(kind) <> ''),
                queue         text,
                payload       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
                missed        text NOT NULL DEFAULT 'skip' CHECK (missed IN ('catch_up', 'skip')),
                paused        boolean NOT NULL DEFAULT false,
                source        text NOT NULL DEFAULT 'api' CHECK (source IN ('default', 'file', 'api')),
                next_fire_at  timestamptz,
                last_fired_at timestamptz,
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now()
            );
            CREATE TRIGGER schedules_touch BEFORE UPDATE ON schedules
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE schedule_firings (
                schedule    text NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
                fire_at     timestamptz NOT NULL,
                job_id      uuid NOT NULL,
                -- The fencing token of the leader that enqueued it.
                fence       bigint NOT NULL,
                enqueued_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (schedule, fire_at)
            );

            ALTER TABLE phase_steps ADD COLUMN approved_by text
                CHECK (approved_by IS NULL OR (btrim(approved_by) <> '' AND length(approved_by) <= 200));
            ALTER TABLE projects ADD COLUMN at_risk boolean NOT NULL DEFAULT false;

            CREATE TABLE project_events (
                -- The order of events, across projects: the dispatcher's cursor.
                seq           bigserial PRIMARY KEY,
                -- The event's identity: follow-up jobs and notifications are idempotent on it.
                id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                -- GantryDomain.ProgressEvent's type names.
                type          text NOT NULL CHECK (type ~ '^[a-z][a-z_]*$'),
                phase         text,
                step          text,
                -- The event's own fields (dates, approver, risk figures).
                data          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
                -- Who caused it: a token's name, a job, or the coordinator.
                actor         text,
                occurred_at   timestamptz NOT NULL DEFAULT now(),
                dispatched_at timestamptz
            );
            CREATE INDEX project_events_undispatched ON project_events (seq) WHERE dispatched_at IS NULL;
            CREATE INDEX project_events_project ON project_events (project_id, seq);

            CREATE TABLE follow_ups (
                id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                -- The chain's name (GantryCoordinator.FollowUpChain) and the step's index in it.
                chain         text NOT NULL,
                trigger_event uuid NOT NULL REFERENCES project_events (id) ON DELETE CASCADE,
                step          integer NOT NULL CHECK (step >= 0),
                kind          text NOT NULL,
                job_id        uuid,
                state         text NOT NULL DEFAULT 'enqueued'
                              CHECK (state IN ('enqueued', 'done', 'skipped', 'failed')),
                -- Why a step was skipped or failed, or what it produced (a report's RAG status).
                detail        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
                created_at    timestamptz NOT NULL DEFAULT now(),
                finished_at   timestamptz,
                UNIQUE (trigger_event, chain, step),
                CHECK ((state = 'enqueued') = (finished_at IS NULL))
            );
            CREATE INDEX follow_ups_open ON follow_ups (created_at) WHERE state = 'enqueued';
            CREATE INDEX follow_ups_project ON follow_ups (project_id, created_at);
            """)
}
