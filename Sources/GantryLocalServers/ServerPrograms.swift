import FoundationEssentials

/// Finds the server programs, and says which package to install when one is missing.
///
/// PostgreSQL's programs (`initdb`, `postgres`, `createdb`) are not on PATH on Debian, and their folder names the
/// version; in order, the first that holds `initdb` wins:
/// 1. `GANTRY_PG_BINDIR`, the one override (for a PostgreSQL built by hand, or one version among several);
/// 2. `pg_config --bindir`;
/// 3. `/usr/lib/postgresql/<highest version>/bin` (Debian and Ubuntu);
/// 4. the folder of `initdb` on PATH (Homebrew, most other distributions).
public enum ServerPrograms {
    /// The environment variable that names PostgreSQL's bin folder, when the search should not run.
    public static let postgresBinDirectoryVariable = "GANTRY_PG_BINDIR"

    public static func redisServer() throws -> String {
        guard let path = find("redis-server") else {
            throw LocalServerError(.programMissing, "redis-server is not installed: install the Debian package "
                + "redis-server (apt-get install redis-server)", program: "redis-server")
        }
        return path
    }

    /// The folder of PostgreSQL's server programs (see the type's comment for the search).
    public static func postgresBinDirectory() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment[postgresBinDirectoryVariable], !configured.isEmpty {
            guard holdsInitdb(configured) else {
                throw LocalServerError(.programMissing, "\(postgresBinDirectoryVariable)=\(configured) holds no "
                    + "executable initdb", program: "initdb")
            }
            return configured
        }
        let candidates = [pgConfigBinDirectory()].compactMap { $0 } + debianBinDirectories()
        if let found = candidates.first(where: holdsInitdb) { return found }
        if let initdb = find("initdb") {
            return URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        throw LocalServerError(.programMissing, "PostgreSQL's initdb is not installed: install the Debian package "
            + "postgresql (apt-get install postgresql), or name its bin folder in \(postgresBinDirectoryVariable)",
            program: "initdb")
    }

    /// An executable named `name` on PATH or in the usual places, or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/opt/homebrew/bin"]
        return directories.lazy.filter { !$0.isEmpty }.map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func holdsInitdb(_ directory: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: directory + "/initdb")
    }

    /// What `pg_config --bindir` says (libpq-dev's pg_config names the version it was built for, whose server
    /// may not be installed: the caller checks for initdb).
    private static func pgConfigBinDirectory() -> String? {
        guard let pgConfig = find("pg_config"),
              let outcome = try? Tool.run(pgConfig, ["--bindir"], options: SpawnOptions(
                  workingDirectory: "/", lifetime: .independent)),
              outcome.succeeded, !outcome.output.isEmpty
        else { return nil }
        return outcome.output
    }

    /// `/usr/lib/postgresql/<version>/bin`, highest version first (17 before 15 before 9.6).
    private static func debianBinDirectories() -> [String] {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions
            .sorted { $0.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(
                $1.split(separator: ".").compactMap { Int($0) }) }
            .reversed()
            .map { "/usr/lib/postgresql/\($0)/bin" }
    }
}
