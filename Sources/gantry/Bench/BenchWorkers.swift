import FoundationEssentials
import Glibc
import Subprocess
import Synchronization

#if canImport(SystemPackage)
import SystemPackage
#elseif canImport(System)
import System
#endif

/// `gantry worker` child processes for a benchmark, started with swift-subprocess and stopped
/// with SIGTERM (a graceful drain) when the benchmark is done with them.
final class BenchWorkers: Sendable {
    private let pids = Mutex<[Int32]>([])
    /// Whether shutdown began, and who waits for it, under one lock so no waiter is missed.
    private let stop = Mutex<(requested: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let tasks = Mutex<[Task<Void, any Error>]>([])

    /// Starts `count` workers running `arguments` after `worker`, with `environment` added.
    init(count: Int, arguments: [String], environment: [String: String]) {
        let binary = Self.selfBinary()
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment { env[Environment.Key(stringLiteral: k)] = v }
        let environment = Environment.inherit.updating(env)
        for _ in 0..<count {
            let task = Task {
                _ = try await Subprocess.run(
                    .path(FilePath(binary)), arguments: Arguments(["worker"] + arguments), environment: environment,
                    input: .none, output: .discarded, error: .discarded
                ) { execution in
                    self.pids.withLock { $0.append(execution.processIdentifier.value) }
                    await self.waitForStop()
                    try? execution.send(signal: .terminate)
                }
            }
            tasks.withLock { $0.append(task) }
        }
    }

    var processIDs: [Int32] { pids.withLock { $0 } }

    /// A worker's memory in MiB: resident (RSS, `VmRSS` of /proc/PID/status) and private (USS:
    /// `Private_Clean + Private_Dirty` of /proc/PID/smaps_rollup), what one more worker on the host
    /// costs. With two or more workers running, the binary's text pages they share are not in the
    /// USS, as they are in the RSS.
    struct Memory: Sendable {
        var rss = 0.0
        var uss = 0.0

        /// The larger of each figure.
        func peak(_ other: Memory) -> Memory { Memory(rss: max(rss, other.rss), uss: max(uss, other.uss)) }
    }

    /// The most RSS and the most USS of any worker now.
    func memory() -> Memory {
        processIDs.reduce(Memory()) { peak, pid in
            peak.peak(Memory(rss: Self.kilobytes(in: "/proc/\(pid)/status", ["VmRSS:"]) / 1024,
                             uss: Self.kilobytes(in: "/proc/\(pid)/smaps_rollup", ["Private_Clean:", "Private_Dirty:"]) / 1024))
        }
    }

    /// Samples ``memory()`` every `interval` until cancelled: the most seen.
    func sampleMemory(every interval: Duration) -> Task<Memory, Never> {
        Task {
            var peak = memory()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                peak = peak.peak(memory())
            }
            return peak
        }
    }

    /// The sum of the `kB` figures of the lines of `file` that start with one of `fields` (0 when unreadable).
    private static func kilobytes(in file: String, _ fields: [String]) -> Double {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return 0 }
        var kb = 0.0
        for line in text.split(separator: "\n") where fields.contains(where: { line.hasPrefix($0) }) {
            kb += Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return kb
    }

    /// Whether every worker is still running (a worker that exits early fails the benchmark).
    var allRunning: Bool { tasks.withLock { $0.count } == processIDs.count && processIDs.allSatisfy { kill($0, 0) == 0 } }

    /// SIGTERM to all, then waits for them to exit.
    func shutdown() async {
        let waiters = stop.withLock { s in
            s.requested = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
        for task in tasks.withLock({ $0 }) { _ = try? await task.value }
    }

    private func waitForStop() async {
        await withCheckedContinuation { c in
            let now = stop.withLock { s in
                if !s.requested { s.waiters.append(c) }
                return s.requested
            }
            if now { c.resume() }
        }
    }

    static func selfBinary() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
