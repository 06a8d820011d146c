import GantryPostgres

extension GantrySchema {
    /// Migration 3: the delivery firm's clients and projects, each project's five phases and their
    /// steps (DESIGN.md "Phase model"), and the CRM records that a client's data migration loads.
    ///
    /// Why the constraints, in short (the SQL says it again next to each one):
    /// - Enums are `CHECK`s on text, not PostgreSQL enum types: a check can be widened by a later
    ///   migration in one transaction, and the rows read back as plain strings.
    /// - Every CRM record has `external_id` (the legacy system's id) and `UNIQUE (project_id,
    ///   external_id)`: imports upsert on that key (Salesforce Bulk API 2.0's shape), so a re-run
    ///   updates instead of duplicating, and two clients' legacy ids never collide.
    /// - References between CRM records use the external ids, through composite foreign keys on
    ///   `(project_id, external_id)`: a batch can be copied in as the export spells it, and a contact
    ///   can never point at an account of another project or at one that does not exist. They are
    ///   `DEFERRABLE INITIALLY IMMEDIATE`: checked per statement unless a batch chooses to defer them
    ///   to its commit.
    /// - Phases and steps belong to their project (`ON DELETE CASCADE`); CRM records and projects do
    ///   not cascade (`NO ACTION`), so deleting a client or a project that holds migrated data fails
    ///   instead of silently erasing it — cancel the project instead.
    /// - `updated_at` is kept by a trigger, so no writer can forget it.
    /// - `migration_batch` is the uuid of the batch (the `migration.batch` job) that last wrote the
    ///   row; NULL for rows written by hand.
    static let crmSchema = Migration(
        version: 3, name: "crm schema",
        sql: """
            -- Keeps updated_at true for every writer, including bulk merges.
            CREATE FUNCTION gantry_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END
            $$;

            CREATE TABLE clients (
                id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                -- A blank name cannot be told apart in lists and reports.
                name       text NOT NULL CHECK (btrim(name) <> ''),
                -- The seed's client-size levels; one of the four factors that scale durations.
                size       text NOT NULL CHECK (size IN ('small', 'medium', 'large', 'enterprise')),
                industry   text,
                created_at timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE projects (
                id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                -- NO ACTION: a client with projects cannot be deleted by accident.
                client_id   uuid NOT NULL REFERENCES clients (id),
                name        text NOT NULL CHECK (btrim(name) <> ''),
                start_date  date NOT NULL,
                -- A target before the start is a typo, and would make every forecast "late".
                target_date date CHECK (target_date >= start_date),
                -- The four factors (GantryDomain.DeliveryFactors' JSON): an absent key means medium.
                -- Only known keys and levels, so a misspelt factor is refused here, not ignored later.
                factors     jsonb NOT NULL DEFAULT '{}' CHECK (
                    jsonb_typeof(factors) = 'object'
                    AND factors - ARRAY['client_size', 'complexity', 'team_capability', 'management_efficiency'] = '{}'::jsonb
                    AND coalesce(factors ->> 'client_size', 'medium') IN ('small', 'medium', 'large', 'enterprise')
                    AND coalesce(factors ->> 'complexity', 'medium') IN ('low', 'medium', 'high', 'very_high')
                    AND coalesce(factors ->> 'team_capability', 'medium') IN ('low', 'medium', 'high', 'very_high')
                    AND coalesce(factors ->> 'management_efficiency', 'medium') IN ('low', 'medium', 'high', 'very_high')),
                status      text NOT NULL DEFAULT 'planned'
                            CHECK (status IN ('planned', 'active', 'on_hold', 'done', 'cancelled')),
                created_at  timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now()
            );
            -- The FK lookup (a client's projects) and the portfolio report (active projects).
            CREATE INDEX projects_client ON projects (client_id);
            CREATE INDEX projects_status ON projects (status) WHERE status IN ('planned', 'active', 'on_hold');
            CREATE TRIGGER projects_touch BEFORE UPDATE ON projects
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE phases (
                id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                -- The seed's five phases (GantryDomain.DeliveryPhase raw values), nothing else.
                phase         text NOT NULL CHECK (phase IN ('requirements_analysis', 'system_design',
                                  'development_and_testing', 'deployment_and_training', 'maintenance_and_support')),
                ordinal       integer NOT NULL CHECK (ordinal BETWEEN 1 AND 5),
                planned_start date,
                planned_end   date,
                actual_start  date,
                actual_end    date,
                state         text NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'active', 'in_review', 'done', 'blocked')),
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now(),
                -- Each phase once per project, in one order: the state machine and reports rely on it.
                UNIQUE (project_id, phase),
                UNIQUE (project_id, ordinal),
                -- An end before its start is a typing error, and would give negative durations to calibration.
                CHECK (planned_end >= planned_start),
                CHECK (actual_end >= actual_start),
                -- A phase cannot have ended without having started.
                CHECK (actual_end IS NULL OR actual_start IS NOT NULL),
                -- A phase that is done has its actual dates: calibration learns from them.
                CHECK (state <> 'done' OR (actual_start IS NOT NULL AND actual_end IS NOT NULL))
            );
            CREATE TRIGGER phases_touch BEFORE UPDATE ON phases
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE phase_steps (
                id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                phase_id      uuid NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
                -- snake_case keys (GantryDomain.DeliveryPhase.steps), so code can match on them.
                step          text NOT NULL CHECK (step ~ '^[a-z][a-z0-9_]*$'),
                ordinal       integer NOT NULL CHECK (ordinal >= 1),
                planned_start date,
                planned_end   date,
                actual_start  date,
                actual_end    date,
                state         text NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'active', 'in_review', 'done', 'blocked')),
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now(),
                -- Same reasons as for phases.
                UNIQUE (phase_id, step),
                UNIQUE (phase_id, ordinal),
                CHECK (planned_end >= planned_start),
                CHECK (actual_end >= actual_start),
                CHECK (actual_end IS NULL OR actual_start IS NOT NULL),
                CHECK (state <> 'done' OR (actual_start IS NOT NULL AND actual_end IS NOT NULL))
            );
            CREATE TRIGGER phase_steps_touch BEFORE UPDATE ON phase_steps
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            -- CRM records. Each: project_id (NO ACTION), external_id unique per project (the upsert key),
            -- created_at, updated_at (trigger) and migration_batch. The UNIQUE index on
            -- (project_id, external_id) also serves "all rows of a project" and the composite FKs.

            CREATE TABLE accounts (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id      uuid NOT NULL REFERENCES projects (id),
                -- A blank legacy id cannot be matched on re-import.
                external_id     text NOT NULL CHECK (btrim(external_id) <> ''),
                name            text NOT NULL CHECK (btrim(name) <> ''),
                industry        text,
                website         text,
                phone           text,
                country         text,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now(),
                migration_batch uuid,
                UNIQUE (project_id, external_id)
            );
            CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE contacts (
                id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id          uuid NOT NULL REFERENCES projects (id),
                external_id         text NOT NULL CHECK (btrim(external_id) <> ''),
                -- NULL when the legacy contact has no account; otherwise it must exist in this project.
                account_external_id text,
                first_name          text,
                -- Salesforce and Zoho both require a last name; a contact without one cannot be addressed.
                last_name           text NOT NULL CHECK (btrim(last_name) <> ''),
                -- One @, no spaces, a dot in the domain, at most 254 characters (RFC 5321's path limit):
                -- the shape that notifications can deliver to. Imports also lower-case it.
                email               text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'
                                                AND length(email) <= 254),
                phone               text,
                title               text,
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now(),
                migration_batch     uuid,
                UNIQUE (project_id, external_id),
                FOREIGN KEY (project_id, account_external_id) REFERENCES accounts (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE
            );
            -- The FK lookup (an account's contacts; also what deleting an account checks) and e-mail dedupe.
            CREATE INDEX contacts_account ON contacts (project_id, account_external_id)
                WHERE account_external_id IS NOT NULL;
            CREATE INDEX contacts_email ON contacts (project_id, lower(email)) WHERE email IS NOT NULL;
            CREATE TRIGGER contacts_touch BEFORE UPDATE ON contacts
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE leads (
                id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id      uuid NOT NULL REFERENCES projects (id),
                external_id     text NOT NULL CHECK (btrim(external_id) <> ''),
                first_name      text,
                last_name       text NOT NULL CHECK (btrim(last_name) <> ''),
                company         text,
                -- Same shape as contacts.email.
                email           text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'
                                            AND length(email) <= 254),
                phone           text,
                -- Lead statuses Gantry maps every legacy system onto (the import's column mapping does it):
                -- new, contacted, qualified, unqualified, converted.
                status          text NOT NULL DEFAULT 'new'
                                CHECK (status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')),
                source          text,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now(),
                migration_batch uuid,
                UNIQUE (project_id, external_id)
            );
            CREATE INDEX leads_email ON leads (project_id, lower(email)) WHERE email IS NOT NULL;
            CREATE TRIGGER leads_touch BEFORE UPDATE ON leads
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE deals (
                id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id          uuid NOT NULL REFERENCES projects (id),
                external_id         text NOT NULL CHECK (btrim(external_id) <> ''),
                name                text NOT NULL CHECK (btrim(name) <> ''),
                -- Gantry's opportunity stages (Salesforce's default sales process, condensed); the
                -- import maps legacy stage names onto them, so reports can compare clients:
                -- prospecting, qualification, needs_analysis, proposal, negotiation, closed_won, closed_lost.
                stage               text NOT NULL CHECK (stage IN ('prospecting', 'qualification', 'needs_analysis',
                                        'proposal', 'negotiation', 'closed_won', 'closed_lost')),
                -- Exact money, never float; a negative deal value is a sign error in the export.
                amount              numeric(14, 2) CHECK (amount >= 0),
                -- ISO 4217 code; required with an amount, since an amount without a currency cannot be summed.
                currency            char(3) CHECK (currency ~ '^[A-Z]{3}$'),
                close_date          date,
                account_external_id text,
                contact_external_id text,
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now(),
                migration_batch     uuid,
                UNIQUE (project_id, external_id),
                CHECK (amount IS NULL OR currency IS NOT NULL),
                -- Reconciliation checks deal -> account and deal -> contact; the keys make them hold always.
                FOREIGN KEY (project_id, account_external_id) REFERENCES accounts (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE,
                FOREIGN KEY (project_id, contact_external_id) REFERENCES contacts (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE
            );
            CREATE INDEX deals_account ON deals (project_id, account_external_id) WHERE account_external_id IS NOT NULL;
            CREATE INDEX deals_contact ON deals (project_id, contact_external_id) WHERE contact_external_id IS NOT NULL;
            CREATE TRIGGER deals_touch BEFORE UPDATE ON deals
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();

            CREATE TABLE activities (
                id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id          uuid NOT NULL REFERENCES projects (id),
                external_id         text NOT NULL CHECK (btrim(external_id) <> ''),
                -- The four activity kinds every CRM export has.
                type                text NOT NULL CHECK (type IN ('call', 'meeting', 'task', 'note')),
                subject             text NOT NULL CHECK (btrim(subject) <> ''),
                description         text,
                due_at              timestamptz,
                done_at             timestamptz,
                account_external_id text,
                contact_external_id text,
                lead_external_id    text,
                deal_external_id    text,
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now(),
                migration_batch     uuid,
                UNIQUE (project_id, external_id),
                FOREIGN KEY (project_id, account_external_id) REFERENCES accounts (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE,
                FOREIGN KEY (project_id, contact_external_id) REFERENCES contacts (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE,
                FOREIGN KEY (project_id, lead_external_id) REFERENCES leads (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE,
                FOREIGN KEY (project_id, deal_external_id) REFERENCES deals (project_id, external_id)
                    DEFERRABLE INITIALLY IMMEDIATE
            );
            CREATE INDEX activities_account ON activities (project_id, account_external_id)
                WHERE account_external_id IS NOT NULL;
            CREATE INDEX activities_contact ON activities (project_id, contact_external_id)
                WHERE contact_external_id IS NOT NULL;
            CREATE INDEX activities_lead ON activities (project_id, lead_external_id) WHERE lead_external_id IS NOT NULL;
            CREATE INDEX activities_deal ON activities (project_id, deal_external_id) WHERE deal_external_id IS NOT NULL;
            CREATE TRIGGER activities_touch BEFORE UPDATE ON activities
                FOR EACH ROW EXECUTE FUNCTION gantry_touch_updated_at();
            """)
}
