import Logging

/// Runs `LeaderElection` against a `LeaderLock`: feeds it clock ticks and the lock's answers, and
/// does what it returns. Calls to the lock run in tasks of their own and report back as events, so
/// a Redis call that hangs never holds up the ticks: the term still ends on time.
public struct LeaderElector: Sendable {
    /// A change of leadership, as the coordinator hears of it.
    public enum Change: Sendable {
        case elected(LeaderTerm)
        case deposed(LeaderTerm, LeaderElection.StopReason)
    }

    public let coordinatorID: String
    public let configuration: LeaderElection.Configuration
    let lock: any LeaderLock
    let clock: any Clock<Duration>
    let tick: Duration
    let logger: Logger

    public init(
        coordinatorID: String, lock: any LeaderLock, configuration: LeaderElection.Configuration = .init(),
        clock: any Clock<Duration> = ContinuousClock(), tick: Duration = .milliseconds(100), logger: Logger
    ) {
        self.coordinatorID = coordinatorID
        self.lock = lock
        self.configuration = configuration
        self.clock = clock
        self.tick = tick
        self.logger = logger
    }

    /// Takes part in the election until the calling task is cancelled, then ends any term it holds
    /// and releases the lock (so another coordinator takes over at once). `onChange` is awaited in
    /// order, one change at a time.
    public func run(onChange: @escaping @Sendable (Change) async -> Void) async {
        let (events, continuation) = AsyncStream.makeStream(of: LeaderElection.Event.self)
        let now = Self.monotonic(clock)
        let ticker = Task { [clock, tick] in
            while !Task.isCancelled {
                continuation.yield(.tick(now: now()))
                do { try await Self.sleep(clock, for: tick) } catch { return }
            }
        }
        var machine = LeaderElection(configuration: configuration)
        var term: LeaderTerm?
        var acquiring: Task<UInt64?, Never>?
        for await event in events {
            if Task.isCancelled { break }
            for action in machine.handle(event) {
                await perform(action, term: &term, acquiring: &acquiring, continuation: continuation, onChange: onChange)
            }
        }
        ticker.cancel()
        for action in machine.handle(.stop) {
            await perform(action, term: &term, acquiring: &acquiring, continuation: continuation, onChange: onChange)
        }
        continuation.finish()
        // An acquisition still in flight at the stop may yet take the lock, and its answer has nowhere to go
        // now: hand the lock back here, so the next coordinator need not wait for it to expire. (Releasing a
        // lock this coordinator already released is a no-op.)
        if let token = await acquiring?.value {
            await perform(.release(token: token), term: &term, acquiring: &acquiring, continuation: continuation, onChange: onChange)
        }
    }

    private func perform(
        _ action: LeaderElection.Action, term: inout LeaderTerm?, acquiring: inout Task<UInt64?, Never>?,
        continuation: AsyncStream<LeaderElection.Event>.Continuation, onChange: @Sendable (Change) async -> Void
    ) async {
        let (lock, id, ttl, logger) = (self.lock, coordinatorID, configuration.ttl, self.logger)
        switch action {
        case .tryAcquire:
            acquiring = Task {
                do {
                    let token = try await lock.acquire(holder: id, ttl: ttl)
                    continuation.yield(token.map { .acquired(token: $0) } ?? .acquireFailed)
                    return token
                } catch {
                    logger.warning("could not ask for the leader lock", metadata: ["error": "\(error)"])
                    continuation.yield(.acquireFailed)
                    return nil
                }
            }
        case .renew(let token):
            Task {
                do {
                    let held = try await lock.renew(holder: id, token: token, ttl: ttl)
                    continuation.yield(held ? .renewed : .renewFailed(lost: true))
                } catch {
                    logger.warning("could not renew the leader lock", metadata: ["error": "\(error)"])
                    continuation.yield(.renewFailed(lost: false))
                }
            }
        case .startLeading(let token):
            let new = LeaderTerm(token: token, coordinatorID: id)
            term = new
            logger.notice("leading", metadata: ["token": "\(token)"])
            await onChange(.elected(new))
        case .stopLeading(let token, let reason):
            guard let ended = term, ended.token == token else { return }
            ended.end()
            term = nil
            logger.notice("no longer leading", metadata: ["token": "\(token)", "reason": "\(reason.rawValue)"])
            await onChange(.deposed(ended, reason))
        case .release(let token):
            // Its own task: the caller may be cancelled (shutting down), and the release must still go out.
            await Task {
                do {
                    try await lock.release(holder: id, token: token)
                } catch {
                    logger.warning("could not release the leader lock; it expires by itself", metadata: ["error": "\(error)"])
                }
            }.value
        }
    }

    /// Time since this call on `clock`, as a `Duration`.
    static func monotonic<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    static func sleep<C: Clock<Duration>>(_ clock: C, for duration: Duration) async throws {
        try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil)
    }
}
