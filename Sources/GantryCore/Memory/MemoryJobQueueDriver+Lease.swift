import Synchronization

/// The hot path's lease side: lease, wait for work, heartbeats and progress, fenced by the lease token.
extension MemoryJobQueueDriver {
    public func lease(queue: QueueName, consumer: String, max: Int, leaseMs: Int64) async throws -> [LeasedJob] {
        let t = now()
        let deadline = WallClock.adding(leaseMs, to: t)
        let token = LeaseToken.make(consumer: consumer)
        return state.withLock { s in
            guard var q = s.queues[queue] else { return [] }
            var leased: [LeasedJob] = []
            var ids: [JobID] = []
            for priority in JobEnvelope.priorities.reversed() where leased.count < max {
                while leased.count < max, var list = q.ready[priority], !list.isEmpty {
                    let id = list.removeFirst()
                    q.ready[priority] = list
                    guard var record = s.jobs[id] else { continue }
                    guard var envelope = try? JobEnvelope.decode(record.body) else {
                        record.state = .dead
                        record.lastError = "corrupt job body: not a valid envelope"
                        record.updatedAtMs = t
                        s.jobs[id] = record
                        q.dead[id] = t
                        q.failed += 1
                        Self.event(&q, .dead, [id], t, keep: configuration.eventsKept)
                        continue
                    }
                    record.attempt += 1
                    record.state = .leased
                    record.owner = token
                    record.updatedAtMs = t
                    s.jobs[id] = record
                    q.leased[id] = deadline
                    envelope.attempt = record.attempt
                    leased.append(LeasedJob(envelope: envelope, token: token, leaseDeadlineMs: deadline))
                    ids.append(id)
                }
            }
            if !ids.isEmpty { Self.event(&q, .leased, ids, t, keep: configuration.eventsKept) }
            s.queues[queue] = q
            return leased
        }
    }

    public func waitForWork(queues: [QueueName], timeoutMs: Int64) async throws -> Bool {
        let wanted = Set(queues)
        let key = state.withLock { s in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        let woken = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { c in
                    // Checked under the same lock that enqueue takes, so no wake-up slips between.
                    let ready = self.state.withLock { s in
                        if s.expiredWaiters.remove(key) != nil { return Bool?.some(false) }
                        let hasWork = wanted.contains { name in
                            s.queues[name]?.ready.values.contains { !$0.isEmpty } ?? false
                        }
                        if !hasWork { s.waiters[key] = (wanted, c) }
                        return hasWork ? true : nil
                    }
                    if let ready { c.resume(returning: ready) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(timeoutMs))
                let c = self.state.withLock { s in
                    let c = s.waiters.removeValue(forKey: key)?.continuation
                    if c == nil { s.expiredWaiters.insert(key) }
                    return c
                }
                c?.resume(returning: false)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        // Both children have finished here; whichever lost may have left a mark behind.
        _ = state.withLock { s in s.expiredWaiters.remove(key) }
        return woken
    }

    public func extendLeases(queue: QueueName, leases: [Lease], leaseMs: Int64) async throws -> LeaseExtension {
        let t = now()
        return state.withLock { s in
            var result = LeaseExtension()
            for lease in leases {
                let id = lease.id
                guard var record = s.jobs[id], record.state == .leased, record.owner == lease.token else {
                    result.lost.append(lease)
                    continue
                }
                s.queues[queue]?.leased[id] = WallClock.adding(leaseMs, to: t)
                record.updatedAtMs = t
                s.jobs[id] = record
                result.extended.append(lease)
                if record.cancelRequested { result.cancelRequested.append(lease) }
            }
            return result
        }
    }

    public func setProgress(queue: QueueName, lease: Lease, percent: Int, message: String?) async throws {
        let t = now()
        let id = lease.id
        try state.withLock { s throws(GantryError) in
            guard var record = s.jobs[id] else {
                throw GantryError(.notFound, "no such job", jobID: id, queue: queue)
            }
            guard record.state == .leased, record.owner == lease.token else {
                throw GantryError(.leaseLost, "progress from a lease that is no longer held", jobID: id, queue: queue)
            }
            record.progress = min(100, max(0, percent))
            record.progressMessage = message
            record.updatedAtMs = t
            s.jobs[id] = record
        }
    }
}
