import ArgumentParser
import FoundationEssentials
import GantryAPIClient
import GantryCore
import Glibc

/// `gantry queues`: every queue's depth and throughput, once, as JSON, or refreshed in place like `top`.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Every queue: ready, leased, delayed, dead, processed and failed per minute, oldest job's age.",
        discussion: """
            The table measures the rates over one second (--watch: over the last minute it has seen). --json prints \
            an array of {queue, ready, leased, delayed, dead, processed, failed, retried, reclaimed, \
            oldest_age_seconds}, where processed and failed count since the queue was created and \
            oldest_age_seconds is null when nothing is ready (with --watch, one array per line). --groups shows each queue's busiest groups instead \
            (--json: an array of {queue, groups, limits}, as GET /v1/queues/{queue}/groups answers).
            """,
        subcommands: [QueueLimitCommand.self])

    // An option group, not a flag of its own: ArgumentParser hands a parent's groups to a subcommand that
    // declares the same type, so `queues limit Q --json` reaches `limit` instead of stopping here.
    @OptionGroup var output: OutputFormat
    /// With --watch, one array per line.
    var json: Bool { output.json }

    @Flag(help: "Refresh in place until Ctrl-C, with a sparkline of each queue's depth.")
    var watch = false

    @Option(help: ArgumentHelp("How often --watch refreshes.", valueName: "DURATION"))
    var interval = "2s"

    @Flag(help: "Each queue's busiest groups: ready, running, the limits that apply, and whether parked at one.")
    var groups = false

    @Option(help: ArgumentHelp("With --groups, at most N groups per queue (1-1000).", valueName: "N"))
    var top: Int?

    @OptionGroup var api: APIOptions

    func validate() throws {
        guard let seconds = HumanUnits.parseDuration(interval), seconds >= 0.1 else {
            throw ValidationError("--interval: '\(interval)' is not a duration of at least 100ms")
        }
        if top != nil, !groups { throw ValidationError("--top goes with --groups") }
        if let top, !(1...1000).contains(top) { throw ValidationError("--top must be 1-1000, got \(top)") }
        if groups, watch { throw ValidationError("--groups and --watch exclude each other") }
    }

    func run() async throws {
        let client = try APIClient(api)
        if groups {
            try await showGroups(client, top: top ?? 10)
            return
        }
        if json, !watch {
            Text.writeStandardOutput(Self.jsonValue(try await Self.fetch(client)).jsonString + "\n")
            return
        }
        if watch {
            try await watchLoop(client)
            return
        }
        let first = try await Self.fetch(client)
        let firstAt = ContinuousClock.now
        try? await Task.sleep(for: .seconds(1))
        let second = try await Self.fetch(client)
        let seconds = (ContinuousClock.now - firstAt).seconds
        var rates = RateWindow()
        rates.add(first, at: 0)
        rates.add(second, at: seconds)
        Text.writeStandardOutput(Self.table(second, rates: rates, sparklines: nil).rendered())
    }

    static func fetch(_ client: APIClient) async throws(CLIError) -> [Components.Schemas.QueueStats] {
        try await client.call { try await $0.listQueues().ok.body.json.queues }.sorted { $0.queue < $1.queue }
    }

    /// The `--json` shape: the API's statistics with the oldest ready job's age in seconds.
    static func jsonValue(_ queues: [Components.Schemas.QueueStats]) -> JSONValue {
        .array(
            queues.map { q in
                .object([
                    "queue": .string(q.queue), "ready": .integer(Int64(q.ready)), "leased": .integer(Int64(q.leased)),
                    "delayed": .integer(Int64(q.delayed)), "dead": .integer(Int64(q.dead)),
                    "processed": .integer(Int64(q.processed)), "failed": .integer(Int64(q.failed)),
                    "retried": .integer(Int64(q.retried)), "reclaimed": .integer(Int64(q.reclaimed)),
                    "oldest_age_seconds": q.oldest_ready_age_ms.map { .number(Double($0) / 1000) } ?? .null,
                ])
            })
    }

    static func table(_ queues: [Components.Schemas.QueueStats], rates: RateWindow, sparklines: [String: Sparkline]?) -> Table {
        var columns: [Table.Column] = [
            .init("QUEUE"), .init("READY", right: true), .init("LEASED", right: true), .init("DELAYED", right: true),
            .init("DEAD", right: true), .init("PROCESSED/MIN", right: true), .init("FAILED/MIN", right: true),
            .init("OLDEST", right: true),
        ]
        if sparklines != nil { columns.append(.init("DEPTH")) }
        var table = Table(columns)
        for q in queues {
            let (processed, failed) = rates.perMinute(q.queue)
            var cells = [
                q.queue, HumanUnits.count(q.ready), HumanUnits.count(q.leased), HumanUnits.count(q.delayed),
                HumanUnits.count(q.dead), processed.map { HumanUnits.count(Int($0.rounded())) } ?? "-",
                failed.map { HumanUnits.count(Int($0.rounded())) } ?? "-",
                q.oldest_ready_age_ms.map { HumanUnits.duration(seconds: Double($0) / 1000) } ?? "-",
            ]
            if let sparklines { cells.append(sparklines[q.queue]?.rendered ?? "") }
            let paint: ((String) -> String)? = q.dead > 0 || (failed ?? 0) > 0 ? { Paint.warn($0) } : nil
            table.append(cells, paint: paint)
        }
        return table
    }

    private func watchLoop(_ client: APIClient) async throws {
        let period = Duration.milliseconds(Int64((HumanUnits.parseDuration(interval) ?? 2) * 1000))
        let onTerminal = Terminal.isTerminal(1) && !json
        if onTerminal {
            // The alternate screen, as `top` uses: Ctrl-C gives the terminal back as it was.
            Text.writeStandardOutput("\u{1B}[?1049h\u{1B}[?25l")
            signal(SIGINT) { _ in
                let restore = Array("\u{1B}[?25h\u{1B}[?1049l".utf8)
                _ = restore.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                _exit(0)
            }
        }
        let started = ContinuousClock.now
        var rates = RateWindow()
        var sparklines: [String: Sparkline] = [:]
        while true {
            let queues: [Components.Schemas.QueueStats]
            var problem: String?
            do {
                queues = try await Self.fetch(client)
            } catch {
                // The API may restart under a watch: keep the last screen and say why it is stale.
                queues = []
                problem = error.message
            }
            let now = (ContinuousClock.now - started).seconds
            if json {
                if problem == nil { Text.writeStandardOutput(Self.jsonValue(queues).jsonString + "\n") }
            } else {
                rates.add(queues, at: now)
                for q in queues {
                    sparklines[q.queue, default: Sparkline(capacity: 30)].append(q.ready + q.leased + q.delayed)
                }
                var screen = onTerminal ? "\u{1B}[H\u{1B}[2J" : "\n"
                let clock = HumanUnits.wallClock()
                screen += Paint.faint("gantry queues  \(client.endpoint.url.absoluteString)  every \(interval)  \(clock)") + "\n\n"
                if let problem {
                    screen += Paint.bad(problem) + "\n"
                } else if queues.isEmpty {
                    screen += "no queues yet\n"
                } else {
                    screen += Self.table(queues, rates: rates, sparklines: sparklines).rendered()
                }
                Text.writeStandardOutput(screen)
            }
            try await Task.sleep(for: period)
        }
    }
}

/// Samples of every queue's counters, for processed and failed per minute over the last minute seen.
struct RateWindow {
    private var samples: [(seconds: Double, counters: [String: (processed: Int, failed: Int)])] = []

    mutating func add(_ queues: [Components.Schemas.QueueStats], at seconds: Double) {
        var counters: [String: (processed: Int, failed: Int)] = [:]
        for q in queues { counters[q.queue] = (q.processed, q.failed) }
        samples.append((seconds, counters))
        while let first = samples.first, seconds - first.seconds > 60, samples.count > 2 { samples.removeFirst() }
    }

    /// Nil until two samples of the queue exist.
    func perMinute(_ queue: String) -> (processed: Double?, failed: Double?) {
        guard let first = samples.first(where: { $0.counters[queue] != nil }), let last = samples.last,
            let a = first.counters[queue], let b = last.counters[queue], last.seconds > first.seconds
        else { return (nil, nil) }
        let minutes = (last.seconds - first.seconds) / 60
        return (Double(max(0, b.processed - a.processed)) / minutes, Double(max(0, b.failed - a.failed)) / minutes)
    }
}

extension Duration {
    /// Seconds as a Double, for rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
