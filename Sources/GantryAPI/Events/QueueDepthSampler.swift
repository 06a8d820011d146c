import FoundationEssentials
import GantryCore
import Logging
import ServiceLifecycle
import Synchronization

/// Samples every queue's depth and counters on a timer and keeps the last hour of it in memory, for the
/// dashboard's charts (`GET /v1/queues/history`). Redis keeps only the current counts, and a store of
/// history for one chart would cost more than it is worth: each API replica keeps its own samples, from
/// its own start, so two replicas may draw slightly different (equally true) curves, and a restart starts
/// the chart afresh. A queue that stops being listed is forgotten once its samples are older than the window.
final class QueueDepthSampler: Service, Sendable {
    let interval: Duration
    let window: Duration
    private let inspect: @Sendable () async throws -> [QueueStats]
    private let rings = Mutex<[String: QueueDepthRing]>([:])
    private let logger: Logger

    /// `inspect` reads every queue's statistics (one call per sample for all queues).
    init(
        interval: Duration = .seconds(10), window: Duration = .seconds(3_600), logger: Logger,
        inspect: @escaping @Sendable () async throws -> [QueueStats]
    ) {
        self.interval = interval
        self.window = window
        self.inspect = inspect
        self.logger = logger
    }

    var intervalMs: Int64 { Self.ms(interval) }
    var windowMs: Int64 { Self.ms(window) }
    private var capacity: Int { Int(max(1, windowMs / max(1, intervalMs))) }

    /// Samples at once, then every `interval`, until cancelled or a graceful shutdown (which cancels the
    /// sleep too, so a SIGTERM never waits for the next sample).
    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sampleOnce()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// One sample of every queue; a store that does not answer costs one gap in the chart, not the loop.
    func sampleOnce(nowMs: Int64 = WallClock.nowMs()) async {
        do {
            record(try await inspect(), atMs: nowMs)
        } catch {
            logger.warning("queue depth sample failed", metadata: ["error": "\(error)"])
        }
    }

    func record(_ stats: [QueueStats], atMs: Int64) {
        let capacity = capacity
        let oldest = atMs - windowMs
        rings.withLock { rings in
            for s in stats {
                rings[s.queue, default: QueueDepthRing(capacity: capacity)].append(QueueDepthSample(atMs: atMs, stats: s))
            }
            rings = rings.filter { ($0.value.lastAtMs ?? .min) >= oldest }
        }
    }

    /// Each queue's samples within the window, oldest first, by queue name.
    func history(nowMs: Int64 = WallClock.nowMs()) -> [(queue: String, samples: [QueueDepthSample])] {
        let oldest = nowMs - windowMs
        return rings.withLock { rings in
            rings.keys.sorted().map { name in (name, rings[name]!.samples.filter { $0.atMs >= oldest }) }
        }
    }

    private static func ms(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1_000 + c.attoseconds / 1_000_000_000_000_000
    }
}
