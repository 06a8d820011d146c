import GantryPostgres

extension GantrySchema {
    /// Migration 8: notification keys that hold across projects, and webhook secrets sealed at rest.
    ///
    /// - A delivery is unique per (project, event, recipient), not per (event, recipient): event ids
    ///   are the producer's, and two projects may well both say `phase-1-done` to the same person.
    /// - `notification_attempts.attempt_id` names each try, chosen by the sender before it writes:
    ///   a write retried after an error whose outcome is unknown (the connection died after COMMIT)
    ///   records the try once.
    /// - `notification_endpoints.secret_sealed` holds the webhook secret encrypted with AES-GCM under
    ///   the key in `GANTRY_SECRET_KEY` (`gs1:<key id>:<base64 nonce+ciphertext+tag>`). This migration
    ///   cannot know the key, so rows written before it keep their plain `secret`; the repository
    ///   seals one (and clears `secret`) the first time it reads it with a key, and never writes a
    ///   plain secret again. A row holds one of the two, never both.
    static let notificationKeys = Migration(
        version: 8, name: "notification keys and sealed secrets",
        sql: """
            ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_event_id_recipient_key;
            ALTER TABLE notification_deliveries
                ADD CONSTRAINT notification_deliveries_project_event_recipient_key
                UNIQUE (project_id, event_id, recipient);
            -- The unique index now starts with project_id, which also serves the project lookup.
            DROP INDEX notification_deliveries_project;
            CREATE INDEX notification_deliveries_project ON notification_deliveries (project_id, created_at DESC);

            ALTER TABLE notification_attempts ADD COLUMN attempt_id uuid UNIQUE;

            -- Migration 6's checks that name the secret (its shape, and "a webhook has url and secret")
            -- were named by PostgreSQL; find them by what they say.
            DO $$
            DECLARE c record;
            BEGIN
                FOR c IN SELECT conname FROM pg_constraint
                         WHERE conrelid = 'notification_endpoints'::regclass AND contype = 'c'
                           AND pg_get_constraintdef(oid) LIKE '%secret%'
                LOOP
                    EXECUTE format('ALTER TABLE notification_endpoints DROP CONSTRAINT %I', c.conname);
                END LOOP;
            END $$;
            ALTER TABLE notification_endpoints
                ADD COLUMN secret_sealed text
                    CONSTRAINT notification_endpoints_secret_sealed_shape
                    CHECK (secret_sealed ~ '^gs1:[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]+={0,2}$'),
                ADD CONSTRAINT notification_endpoints_secret_shape
                    CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
                ADD CONSTRAINT notification_endpoints_one_secret CHECK (secret IS NULL OR secret_sealed IS NULL),
                ADD CONSTRAINT notification_endpoints_webhook_fields
                    CHECK ((channel = 'webhook') = (url IS NOT NULL AND (secret IS NOT NULL OR secret_sealed IS NOT NULL)));
            """)
}
