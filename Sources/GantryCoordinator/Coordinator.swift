import Logging
import ServiceLifecycle
import Synchronization

/// A coordinator process: takes part in the leader election and, while it leads, runs its duties,
/// each on its own interval. Losing leadership cancels the duties at once; a duty that fails is
/// logged and counted, and runs again at its next interval. A graceful shutdown ends the term and
/// releases the lock, so another coordinator takes over at once.
public final class Coordinator: Service, Sendable {
    public let elector: LeaderElector
    public let duties: [any CoordinatorDuty]
    public let metrics: CoordinatorMetrics
    let clock: any Clock<Duration>
    let logger: Logger
    /// The duties of the current term, running; replaced at each election.
    private let running = Mutex<Task<Void, Never>?>(nil)
    private let currentTerm = Mutex<LeaderTerm?>(nil)

    public init(
        elector: LeaderElector, duties: [any CoordinatorDuty], metrics: CoordinatorMetrics = CoordinatorMetrics(),
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.elector = elector
        self.duties = duties
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// The term this coordinator leads in now, if any.
    public var term: LeaderTerm? { currentTerm.withLock { $0?.isCurrent == true ? $0 : nil } }

    public func run() async throws {
        let election = Task { await elector.run { [self] change in await self.handle(change) } }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await election.value
            } onCancel: {
                election.cancel()
            }
        } onGracefulShutdown: {
            election.cancel()
        }
        let last = running.withLock { task in
            defer { task = nil }
            return task
        }
        last?.cancel()
        await last?.value
    }

    private func handle(_ change: LeaderElector.Change) async {
        switch change {
        case .elected(let term):
            // The previous term's duties have been cancelled; let them finish before new ones start,
            // so no duty ever runs twice at once in this process.
            let previous = running.withLock { $0 }
            await previous?.value
            currentTerm.withLock { $0 = term }
            metrics.leading(token: term.token)
            let task = Task { await self.runDuties(in: term) }
            running.withLock { $0 = task }
        case .deposed(let term, _):
            metrics.notLeading()
            currentTerm.withLock { if $0?.token == term.token { $0 = nil } }
            running.withLock { $0?.cancel() }
        }
    }

    private func runDuties(in term: LeaderTerm) async {
        await withTaskGroup(of: Void.self) { group in
            for duty in duties {
                group.addTask { await self.loop(duty, in: term) }
            }
        }
    }

    private func loop(_ duty: any CoordinatorDuty, in term: LeaderTerm) async {
        var log = logger
        log[metadataKey: "duty"] = "\(duty.name)"
        while !Task.isCancelled, term.isCurrent {
            do {
                try await duty.perform(in: term)
                metrics.dutyRan(duty.name)
            } catch {
                if Task.isCancelled || !term.isCurrent { return }
                metrics.dutyFailed(duty.name)
                log.warning("duty failed; it runs again at its next interval", metadata: ["error": "\(error)"])
            }
            do { try await LeaderElector.sleep(clock, for: duty.interval) } catch { return }
        }
    }
}
