import GantryPostgres

extension GantrySchema {
    /// Migration 11: what a project's plan and forecasts read from the project itself.
    ///
    /// - `project_baselines`: every version of a project's plan, never updated. Version 1 is written
    ///   with the project; a change request adds version N+1 and moves the planned dates of the
    ///   phases not yet done (`phases`, `phase_steps`), so the history of what was promised stays.
    ///   `phases` holds one GantryDomain `PhaseBaseline` per phase: `base_weeks` (before the factor
    ///   multipliers, what calibration learns from), `multiplier`, `planned_weeks` and the dates.
    ///   Existing projects get a version 1 from their planned dates, which were the seed's midpoints
    ///   before the factors were applied: multiplier 1.
    /// - `project_calendars`: the project's working calendar (weekends off, holidays, make-up working
    ///   days), one row per project; no row means weekends off and no holidays.
    /// - `project_risks`: the project's risk register, replaced as a whole; `ordinal` keeps its order.
    static let projectPlanning = Migration(
        version: 11, name: "project_planning",
        sql: """
            CREATE TABLE project_baselines (
                project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                version    integer NOT NULL CHECK (version >= 1),
                reason     text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 500),
                -- The factors the plan was made with (projects.factors' JSON at the time).
                factors    jsonb NOT NULL CHECK (jsonb_typeof(factors) = 'object'),
                phases     jsonb NOT NULL CHECK (jsonb_typeof(phases) = 'array'),
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, version)
            );
            INSERT INTO project_baselines (project_id, version, reason, factors, phases, created_at)
            SELECT pr.id, 1, 'initial plan', pr.factors,
                   coalesce(jsonb_agg(jsonb_build_object(
                       'phase', ph.phase,
                       'base_weeks', round((ph.planned_end - ph.planned_start + 1) / 7.0, 3),
                       'multiplier', 1,
                       'planned_weeks', round((ph.planned_end - ph.planned_start + 1) / 7.0, 3),
                       'planned_start', ph.planned_start,
                       'planned_end', ph.planned_end) ORDER BY ph.ordinal)
                       FILTER (WHERE ph.planned_start IS NOT NULL), '[]'::jsonb),
                   pr.created_at
            FROM projects pr LEFT JOIN phases ph ON ph.project_id = pr.id
            GROUP BY pr.id;

            CREATE TABLE project_calendars (
                project_id   uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
                weekends_off boolean NOT NULL DEFAULT true,
                -- Sorted arrays of YYYY-MM-DD strings (GantryDomain.ProjectCalendar), at most 2,000 each.
                holidays     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(holidays) = 'array' AND jsonb_array_length(holidays) <= 2000),
                workdays     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(workdays) = 'array' AND jsonb_array_length(workdays) <= 2000),
                updated_at   timestamptz NOT NULL DEFAULT now()
            );

            CREATE TABLE project_risks (
                project_id   uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                ordinal      integer NOT NULL CHECK (ordinal >= 1),
                name         text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
                phase        text NOT NULL CHECK (phase IN ('requirements_analysis', 'system_design',
                                 'development_and_testing', 'deployment_and_training', 'maintenance_and_support')),
                probability  double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
                -- Working weeks; negative is an opportunity (GantryDomain.ProjectRisk.impactRange).
                impact_weeks double precision NOT NULL CHECK (impact_weeks BETWEEN -52 AND 520),
                status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
                updated_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (project_id, ordinal)
            );
            """)
}
