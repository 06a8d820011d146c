import FoundationEssentials
import Glibc
import GantryCore

extension Worker {
    /// Renews the leases of every job this worker holds (running or waiting for its ack), and
    /// stops jobs whose cancellation was requested or whose lease was lost.
    func heartbeatLoop() async {
        let interval = max(200, configuration.leaseMs / 3)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(interval))
            if Task.isCancelled { return }
            let held: [QueueName: [Lease]] = state.withLock { s in
                var byQueue: [QueueName: [Lease]] = [:]
                for job in s.running.values { byQueue[job.envelope.queue, default: []].append(job.lease) }
                // A deferred lease is kept only while the lapsed run it waits for is within its timeout:
                // a run that ignores cancellation past that would otherwise hold the job here for ever.
                // Past it, the lease lapses and another worker runs the job.
                let now = WallClock.nowMs()
                for (id, job) in s.deferred where (s.running[id]?.deadlineMs ?? .max) > now {
                    byQueue[job.envelope.queue, default: []].append(job.lease)
                }
                for (lease, c) in s.unflushed { byQueue[c.record.queue, default: []].append(lease) }
                return byQueue
            }
            for (queue, leases) in held {
                do {
                    let result = try await driver.extendLeases(queue: queue, leases: leases, leaseMs: configuration.leaseMs)
                    stop(result.cancelRequested, .cancelRequested)
                    stop(result.lost, .leaseLost)
                } catch {
                    logger.warning("heartbeat failed", metadata: ["error": "\(error)", "queue": "\(queue)"])
                }
            }
        }
    }

    /// Stops the runs of these leases (a lease no longer running here is passed over; a deferred
    /// lease that was lost is dropped).
    func stop(_ leases: [Lease], _ reason: StopReason) {
        guard !leases.isEmpty else { return }
        let tasks: [Task<Void, Never>] = state.withLock { s in
            leases.compactMap { lease in
                if s.deferred[lease.id]?.lease == lease, reason == .leaseLost {
                    s.deferred[lease.id] = nil
                    return nil
                }
                let id = lease.id
                guard var job = s.running[id], job.lease == lease, job.stopReason == nil else { return nil }
                job.stopReason = reason
                s.running[id] = job
                return job.task
            }
        }
        for t in tasks { t.cancel() }
    }

    /// Stops jobs that overran their timeout. One sweep for all jobs is far cheaper than a timer
    /// task per job. Handlers must cooperate with cancellation (`Task.sleep`,
    /// `checkCancellation()`), as Swift cannot stop a task by force.
    func timeoutLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            let now = WallClock.nowMs()
            let overdue = state.withLock { s in
                s.running.values.compactMap { job in job.deadlineMs <= now && job.stopReason == nil ? job.lease : nil }
            }
            stop(overdue, .timedOut)
        }
    }

    /// Promotes due delayed jobs and reclaims expired leases on every queue this worker serves,
    /// so the queues heal with no coordinator. The scripts are idempotent; jitter spreads the
    /// workers' calls. A round is skipped while a coordinator leads, since it does the same for
    /// every queue (the workers then stay lean); the next round asks again.
    func maintenanceLoop() async {
        while !Task.isCancelled {
            let jitter = Int64.random(in: 0...(configuration.maintenanceIntervalMs / 4 + 1))
            try? await Task.sleep(for: .milliseconds(configuration.maintenanceIntervalMs + jitter))
            if Task.isCancelled { return }
            if let leads = configuration.coordinatorLeads, await leads() { continue }
            for (queue, _) in configuration.queues {
                do {
                    _ = try await driver.promoteDue(queue: queue, limit: 1_000)
                    let reclaimed = try await driver.reclaimExpired(queue: queue, limit: 1_000)
                    observer.leasesReclaimed(queue: queue, count: reclaimed.requeued + reclaimed.dead + reclaimed.cancelled)
                    if reclaimed.requeued + reclaimed.dead > 0 {
                        logger.notice("reclaimed expired leases", metadata: [
                            "queue": "\(queue)", "requeued": "\(reclaimed.requeued)", "dead": "\(reclaimed.dead)",
                        ])
                    }
                } catch {
                    logger.warning("queue maintenance failed", metadata: ["error": "\(error)", "queue": "\(queue)"])
                }
            }
        }
    }

    /// Announces this worker in the registry until it stops.
    func registryLoop() async {
        guard let registry else { return }
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        while !Task.isCancelled {
            let (done, running) = state.withLock { ($0.jobsDone, $0.running.count) }
            let info = WorkerInfo(
                id: configuration.workerID, host: host, pid: pid, queues: configuration.queues.map(\.name.rawValue),
                concurrency: configuration.concurrency, startedAtMs: startedAtMs, jobsDone: done, running: running)
            do {
                try await registry.announce(info, ttlMs: configuration.registryTTLMs)
            } catch {
                logger.warning("worker registry update failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(max(200, configuration.registryTTLMs / 3)))
        }
    }

    /// Graceful shutdown after leasing stopped: wait for running jobs up to the grace period,
    /// hand the rest back at once, and flush every outcome.
    func drain() async {
        let deadline = WallClock.nowMs() + configuration.gracePeriodMs
        while WallClock.nowMs() < deadline, state.withLock({ !$0.running.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Leases that never started (waiting for a lapsed run of the same job) go straight back.
        let deferred = state.withLock { s in
            defer { s.deferred = [:] }
            return Array(s.deferred.values)
        }
        for (queue, jobs) in Dictionary(grouping: deferred, by: { $0.envelope.queue }) {
            _ = try? await driver.release(queue: queue, leases: jobs.map(\.lease))
        }
        let unfinished = state.withLock { s in s.running.values.map(\.lease) }
        if !unfinished.isEmpty {
            logger.notice("handing unfinished jobs back", metadata: ["jobs": "\(unfinished.count)"])
            stop(unfinished, .released)
            // A handler that ignores cancellation cannot be stopped by force; after a bound wait
            // its lease expires and another worker runs the job.
            let bound = WallClock.nowMs() + 5_000
            while WallClock.nowMs() < bound, state.withLock({ !$0.running.isEmpty }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        // Bounded: with the stores down, a drain must still end. What is left unflushed then has
        // its lease lapse, and runs again elsewhere without doubling its effect.
        let giveUp = WallClock.nowMs() + max(10_000, configuration.gracePeriodMs)
        state.withLock { $0.flushGiveUpAtMs = giveUp }
        while WallClock.nowMs() < giveUp, state.withLock({ !$0.unflushed.isEmpty }) {
            await flushOnce()
        }
        let left = state.withLock { $0.unflushed.count }
        if left > 0 {
            logger.error("stopping with finished jobs not flushed; their leases will lapse and they run again", metadata: ["jobs": "\(left)"])
        }
    }
}
