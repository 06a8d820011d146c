import GantryPostgres

extension GantrySchema {
    /// Migration 6: notification endpoints, deliveries and their attempts (`notify.send`).
    ///
    /// - `notification_endpoints`: where a project's stakeholders want to hear about it: a webhook
    ///   (URL plus its Standard Webhooks secret, `whsec_` + base64 of 24–64 bytes) or an e-mail
    ///   address. `disabled_at` is set when a receiver answers 410 Gone, or by hand; a disabled
    ///   endpoint is never sent to again. `rate_per_second` and `burst` shape a token bucket that each
    ///   worker process applies per endpoint.
    /// - `notification_deliveries`: one row per (event, recipient). `UNIQUE (event_id, recipient)`
    ///   is what makes a notification go out at most once even when two runs of a job, or two jobs for
    ///   one event, race: each run claims the row (`claimed_by`, `claimed_until`) before it sends, and
    ///   a row that is `sent` or `failed` is never claimed again. The rendered message (the webhook's
    ///   JSON body, or the whole RFC 5322 e-mail) is stored on the first claim and re-sent unchanged,
    ///   so a receiver sees the same `webhook-id` / `Message-ID` and body on every retry.
    /// - `notification_attempts`: every try, with its outcome, HTTP or SMTP code, latency and error.
    static let notifications = Migration(
        version: 6, name: "notifications",
        sql: """
            CREATE TABLE notification_endpoints (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                -- Configuration of a project: it goes with the project.
                project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
                name            text,
                -- Webhooks: an absolute http(s) URL and the signing secret.
                url             text CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2048),
                secret          text CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
                -- E-mail: the same shape as contacts.email.
                email           text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'
                                            AND length(email) <= 254),
                -- A token bucket per endpoint (per worker process): refill rate and size.
                rate_per_second double precision NOT NULL DEFAULT 10 CHECK (rate_per_second > 0),
                burst           integer NOT NULL DEFAULT 10 CHECK (burst >= 1),
                disabled_at     timestamptz,
                disabled_reason text,
                created_at      timestamptz NOT NULL DEFAULT now(),
                -- Exactly the fields of its channel, so no sender meets a half-configured endpoint.
                CHECK ((channel = 'webhook') = (url IS NOT NULL AND secret IS NOT NULL)),
                CHECK ((channel = 'email') = (email IS NOT NULL)),
                CHECK (disabled_reason IS NULL OR disabled_at IS NOT NULL)
            );
            -- The "all of the project's enabled endpoints" lookup (also the FK lookup).
            CREATE INDEX notification_endpoints_project ON notification_endpoints (project_id, created_at);

            CREATE TABLE notification_deliveries (
                id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                -- The producer's event id: one delivery per event and recipient, whichever job sends it.
                event_id      text NOT NULL CHECK (btrim(event_id) <> ''),
                event_type    text NOT NULL
                              CHECK (event_type IN ('phase_changed', 'forecast_at_risk', 'report_ready')),
                project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                -- 'webhook:<endpoint id>' or 'mailto:<lower-cased address>'.
                recipient     text NOT NULL,
                channel       text NOT NULL CHECK (channel IN ('webhook', 'email')),
                -- SET NULL: the history of what was sent outlives a removed endpoint.
                endpoint_id   uuid REFERENCES notification_endpoints (id) ON DELETE SET NULL,
                -- The URL or address it went to, as it was then.
                target        text NOT NULL,
                subject       text NOT NULL,
                -- Webhook: the JSON body; e-mail: the whole RFC 5322 message.
                message       text NOT NULL,
                state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
                attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                -- The job run that may send it now, and until when; NULL when nobody holds it.
                claimed_by    uuid,
                claimed_until timestamptz,
                response_code integer,
                last_error    text,
                created_at    timestamptz NOT NULL DEFAULT now(),
                finished_at   timestamptz,
                UNIQUE (event_id, recipient),
                CHECK ((claimed_by IS NULL) = (claimed_until IS NULL)),
                CHECK ((state = 'pending') = (finished_at IS NULL)),
                -- A finished delivery is never claimed again.
                CHECK (state = 'pending' OR claimed_by IS NULL)
            );
            CREATE INDEX notification_deliveries_project ON notification_deliveries (project_id, created_at DESC);
            CREATE INDEX notification_deliveries_endpoint ON notification_deliveries (endpoint_id)
                WHERE endpoint_id IS NOT NULL;
            CREATE INDEX notification_deliveries_pending ON notification_deliveries (created_at)
                WHERE state = 'pending';

            CREATE TABLE notification_attempts (
                id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id   uuid NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
                attempt_no    integer NOT NULL CHECK (attempt_no >= 1),
                job_id        uuid NOT NULL,
                -- delivered: 2xx / 250; retryable: 5xx, 408, a timeout or a network error;
                -- throttled: 429 (or 421/4xx SMTP); rejected: any other 4xx, 3xx, or 5xx SMTP.
                outcome       text NOT NULL CHECK (outcome IN ('delivered', 'retryable', 'throttled', 'rejected')),
                -- HTTP status or SMTP reply code; NULL when no answer came.
                response_code integer,
                latency_ms    integer NOT NULL CHECK (latency_ms >= 0),
                error         text,
                attempted_at  timestamptz NOT NULL DEFAULT now(),
                UNIQUE (delivery_id, attempt_no)
            );
            """)
}
