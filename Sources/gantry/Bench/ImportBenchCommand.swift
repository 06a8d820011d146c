import ArgumentParser
import FoundationEssentials
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import Logging

/// `gantry bench import`: a legacy CRM export imported through `migration.batch` jobs, beside two peers
/// on the same database in the same run: a raw COPY of the same file into unindexed tables (what
/// PostgreSQL can ingest at best), and a COPY of the same rows, already valid and normalised, into the
/// same constrained tables with the same batching and parallelism (`ConstrainedCopy`: what storing
/// them costs at least). (A CRM data import, not a schema migration: `gantry bench migrate`, its old
/// name, runs it too, hidden, for one release.)
struct ImportBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "CRM data import rows/s (accounts + contacts) beside a raw and a constrained COPY of the same rows.",
        discussion: """
            Needs a migrated GANTRY_DATABASE_URL. Generates an accounts file and a contacts file (every contact
            points at an account), then, timing each:
            (1) raw COPY: both files as they are (FORMAT csv) into unindexed text tables, one connection;
            (2) constrained COPY: the same rows, read and normalised before the clock starts exactly as the
            import's batch jobs normalise them, COPYed (text format) into the real accounts and contacts
            tables for a project of their own: the same indexes, CHECKs, foreign keys (to projects, and
            contact -> account) and triggers, in batches of --batch-size rows, each batch its own
            transaction, --concurrency batches at a time, accounts before contacts. Its rows are deleted
            afterwards (untimed);
            (3) the import: both files imported into another new project with the migration.batch handler,
            --concurrency batches at a time: planning, CSV parsing, validation, staging COPY, the
            upsert-and-results merge per batch, and each import's reconciliation. Accounts load before
            contacts, as they must.
            ratio is the import's rows/s over the raw COPY's; constrained_ratio over the constrained COPY's.
            """)

    @OptionGroup var benchmark: ImportBench

    func run() async throws { try await benchmark.run() }
}

/// The import benchmark itself: its options and its run, under either name.
struct ImportBench: ParsableArguments {
    @OptionGroup var servers: ServerOptions

    @Option(help: "Accounts in the generated export.")
    var accounts = 200_000

    @Option(help: "Contacts in the generated export.")
    var contacts = 800_000

    @Option(help: "Rows per migration.batch job.")
    var batchSize = ImportRequest.defaultBatchSize

    @Option(help: "Batches merged at once (as that many worker slots would).")
    var concurrency = 2

    @OptionGroup var scale: BenchScale
    @OptionGroup var output: BenchOutput

    struct Output: Encodable {
        var benchmark = "import"
        var rows: Int
        var batch_size: Int
        var concurrency: Int
        var elapsed_s: Double
        var rows_per_s: Double
        var raw_copy_elapsed_s: Double
        var raw_copy_rows_per_s: Double
        var ratio: Double
        var constrained_copy_elapsed_s: Double
        var constrained_copy_rows_per_s: Double
        var constrained_ratio: Double
        var accounts_s: Double
        var contacts_s: Double
        var created: Int
        var rejected: Int
        var balanced: Bool
    }

    func run() async throws {
        let accounts = scale.size(self.accounts, quick: 4_000)
        let contacts = scale.size(self.contacts, quick: 16_000)
        let pool = try await BenchServers(label: "gantry.bench.import").postgresPool(
            try GantryEnvironment.postgres(servers.databaseURL), size: concurrency + 1, requiring: "migration_row_results")
        let accountFile = Self.accountsCSV(accounts)
        let contactFile = Self.contactsCSV(contacts, accounts: accounts)
        let rows = accounts + contacts
        output.progress("generated \(rows) rows (\(accountFile.count + contactFile.count) bytes of CSV)")

        // 1. The ceiling: the same bytes, COPYed as they are into unindexed tables.
        let rawElapsed = try await pool.withConnection { connection in
            try await connection.execute(
                unsafeSQL: """
                    DROP TABLE IF EXISTS gantry_bench_raw_accounts, gantry_bench_raw_contacts;
                    CREATE TABLE gantry_bench_raw_accounts (external_id text, name text, industry text, website text,
                        phone text, country text);
                    CREATE TABLE gantry_bench_raw_contacts (external_id text, account_external_id text, first_name text,
                        last_name text, email text, phone text, title text);
                    """)
            let start = WallClock.nowMs()
            let copiedAccounts = try await connection.copyFrom(
                "COPY gantry_bench_raw_accounts FROM STDIN WITH (FORMAT csv, HEADER true)") { $0.append(raw: accountFile) }
            let copiedContacts = try await connection.copyFrom(
                "COPY gantry_bench_raw_contacts FROM STDIN WITH (FORMAT csv, HEADER true)") { $0.append(raw: contactFile) }
            let elapsed = Double(WallClock.nowMs() - start) / 1000
            guard copiedAccounts + copiedContacts == rows else {
                throw ValidationError("raw COPY loaded \(copiedAccounts + copiedContacts) rows, expected \(rows)")
            }
            try await connection.execute(unsafeSQL: "DROP TABLE gantry_bench_raw_accounts, gantry_bench_raw_contacts")
            return elapsed
        }
        output.progress(Text.format("raw COPY: %.2f s", rawElapsed))

        // 2. The fair peer: the same rows, valid and normalised, COPYed into the same constrained tables.
        let client = try await ClientRepository(pool: pool).createClient(name: "Bench client", size: .large, industry: nil)
        let projects = ProjectRepository(pool: pool)
        let peerProject = try await projects.createProject(
            clientID: client.id, name: "bench constrained copy \(WallClock.nowMs())",
            startDate: CalendarDay(year: 2026, month: 1, day: 5)!)
        let peers = try [(ImportEntity.accounts, accountFile), (.contacts, contactFile)].map { entity, file in
            try ConstrainedCopy(file: file, entity: entity, projectID: peerProject.id, batchSize: batchSize)
        }
        guard peers.reduce(0, { $0 + $1.rows }) == rows else { throw ValidationError("the peer's rows do not add up") }
        let constrainedElapsed = try await BenchServers.seconds {
            for peer in peers { try await peer.run(pool, concurrency: concurrency) }
        }
        output.progress(Text.format("constrained COPY: %.2f s", constrainedElapsed))
        try await pool.withConnection { connection in
            for table in ["contacts", "accounts"] {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "DELETE FROM \(table) WHERE project_id = $1", binds: [peerProject.id.postgresBind()]))
            }
        }

        // 3. The import, end to end.
        let project = try await projects.createProject(
            clientID: client.id, name: "bench import \(WallClock.nowMs())", startDate: CalendarDay(year: 2026, month: 1, day: 5)!)
        var registry = HandlerRegistry()
        MigrationBatchHandler.register(into: &registry, store: GantryStore(pool: pool))
        guard let handler = registry.handler(for: MigrationBatchKind.name) else { throw ValidationError("no handler") }
        let importer = MigrationImporter(store: GantryStore(pool: pool))
        let repository = MigrationImportRepository(pool: pool)
        var created = 0
        var rejected = 0
        var balanced = true
        var phases: [Double] = []
        let start = WallClock.nowMs()
        for (entity, file) in [(ImportEntity.accounts, accountFile), (.contacts, contactFile)] {
            let phaseStart = WallClock.nowMs()
            let started = try await importer.start(
                ImportRequest(projectID: project.id, entity: entity, sourceName: "\(entity.rawValue).csv", csv: file,
                              batchSize: batchSize))
            output.progress(
                "\(entity.rawValue): " + Text.format("planned and stored in %.2f s", Double(WallClock.nowMs() - phaseStart) / 1000))
            try await runBatches(started, handler: handler, label: entity.rawValue)
            guard let record = try await repository.find(started.importID) else { throw ValidationError("import vanished") }
            created += record.counts.created
            rejected += record.counts.rejected
            balanced = balanced && record.status == .balanced
            phases.append(Double(WallClock.nowMs() - phaseStart) / 1000)
        }
        let elapsed = Double(WallClock.nowMs() - start) / 1000
        await pool.close()

        let figures = Output(
            rows: rows, batch_size: batchSize, concurrency: concurrency, elapsed_s: elapsed,
            rows_per_s: Double(rows) / elapsed, raw_copy_elapsed_s: rawElapsed,
            raw_copy_rows_per_s: Double(rows) / rawElapsed, ratio: rawElapsed / elapsed,
            constrained_copy_elapsed_s: constrainedElapsed, constrained_copy_rows_per_s: Double(rows) / constrainedElapsed,
            constrained_ratio: constrainedElapsed / elapsed, accounts_s: phases[0],
            contacts_s: phases[1], created: created, rejected: rejected, balanced: balanced)
        guard created == rows, rejected == 0, balanced else {
            throw ValidationError("the import did not load every row: created \(created) of \(rows), rejected \(rejected), balanced \(balanced)")
        }
        try output.report(figures) {
            func line(_ label: String, _ figure: String) { print(BenchOutput.line(label, width: 18, figure)) }
            print("data import: \(accounts) accounts + \(contacts) contacts, batches of \(batchSize), \(concurrency) at a time")
            line("migration.batch", Text.format("%10.0f rows/s  (%.2f s: accounts %.2f s, contacts %.2f s)",
                                              figures.rows_per_s, elapsed, phases[0], phases[1]))
            line("raw COPY", Text.format("%10.0f rows/s  (%.2f s, unindexed text tables, one connection)",
                                       figures.raw_copy_rows_per_s, rawElapsed))
            line("constrained COPY", Text.format("%10.0f rows/s  (%.2f s, the same tables and batches, valid rows)",
                                               figures.constrained_copy_rows_per_s, constrainedElapsed))
            line("ratio", Text.format("%10.2f of raw COPY, %.2f of constrained COPY", figures.ratio,
                                    figures.constrained_ratio))
        }
    }

    private func runBatches(
        _ started: MigrationImporter.Started, handler: @escaping @Sendable (JSONValue, JobContext) async throws -> JSONValue?,
        label: String
    ) async throws {
        let jobs = started.jobs
        try await BenchConcurrency.run(
            jobs.count, concurrency: concurrency,
            finished: { done in
                if done % 20 == 0 || done == jobs.count { output.progress("\(label): \(done)/\(jobs.count) batches") }
            }
        ) { index in
            var job = JobEnvelope(kind: jobs[index].kind, payload: jobs[index].payload, projectID: jobs[index].projectID)
            job.attempt = 1
            let context = JobContext(
                envelope: job, logger: Logger(label: "bench"), deadlineMs: WallClock.nowMs() + 600_000, progress: { _, _ in })
            _ = try await handler(job.payload, context)
        }
    }

    /// `A<n>` accounts with a name that needs quoting, a website, a phone and a country.
    static func accountsCSV(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 80)
        out.append(contentsOf: "external_id,name,industry,website,phone,country\n".utf8)
        let industries = ["retail", "banking", "manufacturing", "healthcare", "logistics"]
        for i in 0..<count {
            out.append(contentsOf: "A\(i),\"Account \(i), Ltd\",\(industries[i % 5]),https://a\(i).example.com,+44 20 7946 \(i % 10_000),UK\n".utf8)
        }
        return out
    }

    /// `C<n>` contacts spread over the accounts, with e-mail and phone to normalise.
    static func contactsCSV(_ count: Int, accounts: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 100)
        out.append(contentsOf: "external_id,account_external_id,first_name,last_name,email,phone,title\n".utf8)
        for i in 0..<count {
            out.append(
                contentsOf: "C\(i),A\(i % max(1, accounts)),Anna \(i),Smith,Anna.Smith\(i)@Example.com,+1 (555) 010-\(i % 10_000),Head of Ops\n".utf8)
        }
        return out
    }
}
