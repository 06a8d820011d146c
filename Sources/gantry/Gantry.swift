import ArgumentParser

/// The one Gantry binary. Each subcommand is a role (server, worker, tool) configured by flags and
/// `GANTRY_*` environment variables; libraries never read the environment themselves.
@main
struct Gantry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gantry",
        abstract: "A distributed job-queue worker cluster for CRM delivery firms.",
        discussion: """
            Jobs are enqueued to Redis, run by stateless workers, and their results kept in PostgreSQL.
            Start everything locally with `gantry dev`; in production run each role on its own.

            Environment:
              GANTRY_REDIS_URL      redis://[:password@]host:port/db
              GANTRY_DATABASE_URL   postgres://user[:password]@host:port/database
            """,
        version: "0.1.0",
        subcommands: [
            DevCommand.self,
            MigrateCommand.self,
            APICommand.self,
            WorkerCommand.self,
            CoordinatorCommand.self,
            WorkersCommand.self,
            SubmitCommand.self,
            QueuesCommand.self,
            JobsCommand.self,
            KindsCommand.self,
            ProjectsCommand.self,
            PortfolioCommand.self,
            ImportCommand.self,
            ReportsCommand.self,
            TokensCommand.self,
            SchedulesCommand.self,
            BenchCommand.self,
        ]
    )
}
