import GantryDomain
import Foundation
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// The CRM schema (migration 3) and its repositories, on a real PostgreSQL; each test migrates its
/// own database with `migratedDatabase()`.
@Suite("CRM schema and project repository", .migratedDatabase)
struct CRMSchemaTests {
    let start = CalendarDay(year: 2026, month: 3, day: 2)!

    /// A client and a project with the seed's phases, the starting point of most tests.
    func project(in pool: PostgresConnectionPool, name: String = "Rollout") async throws -> ProjectRecord {
        let client = try await ClientRepository(pool: pool).createClient(name: "Acme", size: .large, industry: "retail")
        return try await ProjectRepository(pool: pool).createProject(
            clientID: client.id, name: name, startDate: start, targetDate: start.adding(days: 200),
            factors: ProjectFactors(clientSize: .large, complexity: .high))
    }


    @Test
    func crmMigrationAppliesOnAFreshDatabaseAndTwiceIsANoOp() async throws {
        let pool = try await migratedDatabase()
        let tables = try await pool.query(
            """
            SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN
              ('clients', 'projects', 'phases', 'phase_steps', 'accounts', 'contacts', 'leads', 'deals', 'activities')
            """)
        #expect(try tables.first?.decode(0, as: Int.self) == 9)
        let recorded = try await pool.query("SELECT name FROM gantry_schema_migrations WHERE version = 3")
        #expect(try recorded.first?.decode(0, as: String.self) == "crm schema")
        let again = try await pool.withConnection { try await GantryMigrator.migrate($0, logger: .init(label: "test")) }
        #expect(again.isEmpty)
        await pool.close()
    }

    @Test
    func projectIsCreatedWithFivePhasesAndTheirStepsInOrder() async throws {
        let pool = try await migratedDatabase()
        let created = try await project(in: pool)
        let read = try #require(try await ProjectRepository(pool: pool).project(created.id))
        #expect(read == created)
        #expect(read.phases.map(\.phase) == DeliveryPhase.allCases)
        #expect(read.phases.map(\.ordinal) == [1, 2, 3, 4, 5])
        #expect(read.phases.map { $0.steps.map(\.step) } == PhasePlan.seed.map(\.steps))
        #expect(read.phases.allSatisfy { $0.state == .pending && $0.steps.allSatisfy { $0.state == .pending } })
        #expect(read.factors == ProjectFactors(clientSize: .large, complexity: .high))
        // Planned end to end at the midpoint of each typical range (3, 5, 10 and 3 weeks) times the factors'
        // multiplier (large 1.15 × high complexity 1.17 = 1.3455): 28, 47, 94 and 28 days, then ongoing.
        #expect(read.phases.map(\.plannedStart) == [0, 28, 75, 169, 197].map { start.adding(days: $0) })
        #expect(read.phases.map(\.plannedEnd) == [27, 74, 168, 196].map { start.adding(days: $0) } + [nil])
        let research = read.phases[0].steps
        #expect(research.map(\.plannedStart) == [0, 9, 18].map { start.adding(days: $0) })
        #expect(research.last?.plannedEnd == read.phases[0].plannedEnd)
        await pool.close()
    }

    @Test
    func duplicateExternalIDInOneProjectIsRefusedButAcceptedInAnother() async throws {
        let pool = try await migratedDatabase()
        let first = try await project(in: pool, name: "First")
        let second = try await project(in: pool, name: "Second")
        try await pool.query("INSERT INTO accounts (project_id, external_id, name) VALUES (\(first.id), 'A-1', 'Acme')")
        let duplicate = await sqlState {
            try await pool.query("INSERT INTO accounts (project_id, external_id, name) VALUES (\(first.id), 'A-1', 'Other')")
        }
        #expect(duplicate == "23505")
        try await pool.query("INSERT INTO accounts (project_id, external_id, name) VALUES (\(second.id), 'A-1', 'Acme')")
        let count = try await pool.query("SELECT count(*) FROM accounts WHERE external_id = 'A-1'")
        #expect(try count.first?.decode(0, as: Int.self) == 2)
        await pool.close()
    }

    @Test
    func contactWhoseAccountDoesNotExistInItsProjectIsRefused() async throws {
        let pool = try await migratedDatabase()
        let first = try await project(in: pool, name: "First")
        let second = try await project(in: pool, name: "Second")
        try await pool.query("INSERT INTO accounts (project_id, external_id, name) VALUES (\(second.id), 'A-1', 'Acme')")
        // 'A-1' exists, but in another project: that is no account for this contact either.
        let missing = await sqlState {
            try await pool.query(
                """
                INSERT INTO contacts (project_id, external_id, account_external_id, last_name)
                VALUES (\(first.id), 'C-1', 'A-1', 'Lovelace')
                """)
        }
        #expect(missing == "23503")
        try await pool.query("INSERT INTO accounts (project_id, external_id, name) VALUES (\(first.id), 'A-1', 'Acme')")
        try await pool.query(
            """
            INSERT INTO contacts (project_id, external_id, account_external_id, last_name)
            VALUES (\(first.id), 'C-1', 'A-1', 'Lovelace')
            """)
        await pool.close()
    }

    @Test(arguments: ["ada", "ada@", "@example.com", "ada@example", "ada lovelace@example.com", "ada@@example.com"])
    func malformedEmailIsRefused(email: String) async throws {
        let pool = try await migratedDatabase()
        let project = try await project(in: pool)
        let state = await sqlState {
            try await pool.query(
                "INSERT INTO contacts (project_id, external_id, last_name, email) VALUES (\(project.id), 'C-1', 'L', \(email))")
        }
        #expect(state == "23514")
        try await pool.query(
            "INSERT INTO contacts (project_id, external_id, last_name, email) VALUES (\(project.id), 'C-2', 'L', 'ada@example.com')")
        await pool.close()
    }

    @Test
    func unknownDealStageAndNegativeAmountAreRefused() async throws {
        let pool = try await migratedDatabase()
        let project = try await project(in: pool)
        func deal(_ id: String, stage: String, amount: String) async -> String? {
            await sqlState {
                try await pool.query(
                    """
                    INSERT INTO deals (project_id, external_id, name, stage, amount, currency)
                    VALUES (\(project.id), \(id), 'Renewal', \(stage), \(amount)::numeric, 'EUR')
                    """)
            }
        }
        #expect(await deal("D-1", stage: "Closed Won", amount: "10") == "23514")
        #expect(await deal("D-2", stage: "closed_won", amount: "-1") == "23514")
        #expect(await deal("D-3", stage: "closed_won", amount: "1234.5") == nil)
        let amount = try await pool.query("SELECT amount::text FROM deals WHERE external_id = 'D-3'")
        #expect(try amount.first?.decode(0, as: String.self) == "1234.50")
        await pool.close()
    }

    @Test
    func markingAPhaseDoneStoresItsActualDates() async throws {
        let pool = try await migratedDatabase()
        let repository = ProjectRepository(pool: pool)
        let project = try await project(in: pool)
        let began = start.adding(days: 1)
        let ended = start.adding(days: 25)
        try await repository.markPhase(.requirementsAnalysis, of: project.id, as: .active, actualStart: began)
        let done = try await repository.markPhase(.requirementsAnalysis, of: project.id, as: .done, actualEnd: ended)
        #expect(done.state == .done && done.actualStart == began && done.actualEnd == ended)
        #expect(done.steps.map(\.step) == ["research", "consolidation", "review"])
        let read = try #require(try await repository.project(project.id))
        #expect(read.phase(.requirementsAnalysis) == done)
        #expect(read.phase(.systemDesign)?.state == .pending)
        await pool.close()
    }

    @Test
    func phaseCannotBeDoneWithoutActualDatesNorEndBeforeItStarts() async throws {
        let pool = try await migratedDatabase()
        let repository = ProjectRepository(pool: pool)
        let project = try await project(in: pool)
        let undated = await sqlState { try await repository.markPhase(.systemDesign, of: project.id, as: .done) }
        #expect(undated == "23514")
        let backwards = await sqlState {
            try await repository.markPhase(
                .systemDesign, of: project.id, as: .done, actualStart: start.adding(days: 9), actualEnd: start)
        }
        #expect(backwards == "23514")
        await #expect(throws: CRMStoreError.self) {
            try await repository.markPhase(.systemDesign, of: UUID(), as: .active, actualStart: start)
        }
        await pool.close()
    }

    @Test
    func markingAStepInsideTheCallersTransactionCommitsWithIt() async throws {
        let pool = try await migratedDatabase()
        let project = try await project(in: pool)
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await pool.transaction { connection in
                try await ProjectRepository(connection: connection).markStep(
                    "data_migration", in: .deploymentAndTraining, of: project.id, as: .done,
                    actualStart: start, actualEnd: start)
                throw Abort()
            }
        }
        let read = try #require(try await ProjectRepository(pool: pool).project(project.id))
        #expect(read.phase(.deploymentAndTraining)?.steps[1].state == .pending)
        let step = try await ProjectRepository(pool: pool).markStep(
            "data_migration", in: .deploymentAndTraining, of: project.id, as: .done, actualStart: start, actualEnd: start)
        #expect(step.state == .done && step.actualEnd == start)
        await pool.close()
    }
}
