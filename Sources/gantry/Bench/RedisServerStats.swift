import GantryRedis

/// What the Redis server says it spent, read from `INFO commandstats` and `INFO cpu` before and after a run, so a
/// benchmark can say how much of Redis' time one job costs (the figure that decides how far one Redis core goes).
struct RedisServerStats: Sendable {
    /// Microseconds Redis spent executing each command (`cmdstat_<name>:…,usec=N,…`), `info` left out: the
    /// snapshots' own INFO calls are not the run's work.
    var commandMicroseconds: [String: Double]
    /// Seconds of CPU the server process used, user and system together (`used_cpu_user` + `used_cpu_sys`).
    var cpuSeconds: Double

    /// A snapshot of `pool`'s server.
    static func read(_ pool: RedisConnectionPool) async throws -> RedisServerStats {
        let reply = try await pool.send(["INFO", "commandstats"])
        let cpu = try await pool.send(["INFO", "cpu"])
        return RedisServerStats(commandMicroseconds: commandMicroseconds(reply.string ?? ""), cpuSeconds: cpuSeconds(cpu.string ?? ""))
    }

    /// Microseconds executing commands since `earlier`, all commands together or only `command` (`evalsha`).
    func microseconds(since earlier: RedisServerStats, command: String? = nil) -> Double {
        let names = command.map { [$0] } ?? Array(commandMicroseconds.keys)
        return names.reduce(0) { $0 + (commandMicroseconds[$1] ?? 0) - (earlier.commandMicroseconds[$1] ?? 0) }
    }

    /// Microseconds of server CPU since `earlier`.
    func cpuMicroseconds(since earlier: RedisServerStats) -> Double { (cpuSeconds - earlier.cpuSeconds) * 1_000_000 }

    /// `cmdstat_evalsha:calls=3,usec=120,usec_per_call=40.00,…` lines, by command name.
    static func commandMicroseconds(_ info: String) -> [String: Double] {
        var byCommand: [String: Double] = [:]
        for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[line.index(line.startIndex, offsetBy: 8)..<colon])
            guard name != "info" else { continue }
            for field in line[line.index(after: colon)...].split(separator: ",") where field.hasPrefix("usec=") {
                byCommand[name] = Double(field.dropFirst(5))
            }
        }
        return byCommand
    }

    static func cpuSeconds(_ info: String) -> Double {
        ["used_cpu_user", "used_cpu_sys"].reduce(0) { $0 + (Text.field($1, in: info).flatMap { Double($0) } ?? 0) }
    }
}
