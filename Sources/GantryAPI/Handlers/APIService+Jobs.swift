import FoundationEssentials
import GantryCore
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    static let maxBulkJobs = 10_000

    /// The queue's request for one job of the body. An `Idempotency-Key` becomes the job's unique
    /// key (kept per token, for `idempotencyWindowMs`), so the queue's own atomic unique check makes
    /// a repeated request answer the first job, across API processes, with no store of its own.
    func jobRequest(_ body: Components.Schemas.JobRequest, idempotencyKey: String?, index: Int?) throws -> JobRequest {
        let prefix = index.map { "jobs[\($0)]." } ?? ""
        var request = JobRequest(
            kind: body.kind, payload: JSONValue(openAPI: body.payload.additionalProperties),
            priority: body.priority ?? JobEnvelope.defaultPriority, maxAttempts: body.max_attempts, delayMs: body.delay,
            timeoutMs: body.timeout, uniqueKey: body.unique, uniqueForMs: body.unique_for, projectID: body.project_id,
            group: body.group)
        if let q = body.queue { request.queue = try Self.queueName(q, field: prefix + "queue") }
        if body.unique == nil, let idempotencyKey {
            let token = RequestToken.current?.id.uuidString.lowercased() ?? "-"
            request.uniqueKey = "idem:\(token):\(idempotencyKey)\(index.map { ":\($0)" } ?? "")"
            request.uniqueForMs = configuration.idempotencyWindowMs
        }
        return request
    }

    func resolvedQueue(_ request: JobRequest) -> String {
        (request.queue ?? queue.registry[request.kind]?.defaultQueue ?? .default).rawValue
    }

    static func checkIdempotencyKey(_ key: String?) throws {
        guard let key else { return }
        guard (1...200).contains(key.utf8.count), ControlCharacters.first(in: key, allowLineBreaks: false) == nil else {
            throw APIError.badRequest("Idempotency-Key must be 1-200 bytes with no control characters", field: "Idempotency-Key")
        }
    }

    func createJob(_ input: Operations.createJob.Input) async throws -> Operations.createJob.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        try Self.checkIdempotencyKey(input.headers.Idempotency_hyphen_Key)
        let request = try jobRequest(body, idempotencyKey: input.headers.Idempotency_hyphen_Key, index: nil)
        let result: EnqueueResult
        do {
            result = try await queue.enqueue(request)
        } catch let error as GantryError {
            throw APIError.from(error)
        }
        return .created(.init(body: .json(.init(id: result.id.description, queue: resolvedQueue(request), enqueued: result.enqueued))))
    }

    func createJobs(_ input: Operations.createJobs.Input) async throws -> Operations.createJobs.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        try Self.checkIdempotencyKey(input.headers.Idempotency_hyphen_Key)
        guard !body.jobs.isEmpty else { throw APIError.invalid("needs at least one job", field: "jobs") }
        guard body.jobs.count <= Self.maxBulkJobs else {
            throw APIError(413, "too_many_jobs", "at most \(Self.maxBulkJobs) jobs per request, got \(body.jobs.count)", field: "jobs")
        }
        var requests: [JobRequest] = []
        requests.reserveCapacity(body.jobs.count)
        for (i, job) in body.jobs.enumerated() {
            requests.append(try jobRequest(job, idempotencyKey: input.headers.Idempotency_hyphen_Key, index: i))
        }
        let results: [EnqueueResult]
        do {
            results = try await queue.enqueue(requests)
        } catch let error as GantryError {
            // Which job? The queue checks them all before storing any; find the first it refuses.
            let now = WallClock.nowMs()
            for (i, r) in requests.enumerated() {
                do { _ = try queue.envelope(for: r, nowMs: now) } catch { throw APIError.from(error, fieldPrefix: "jobs[\(i)].") }
            }
            throw APIError.from(error)
        } catch let error as PartialEnqueueError {
            throw APIError.from(error)
        }
        var enqueued = 0
        let answers = zip(requests, results).map { request, result in
            if result.enqueued { enqueued += 1 }
            return Components.Schemas.EnqueuedJob(id: result.id.description, queue: resolvedQueue(request), enqueued: result.enqueued)
        }
        return .created(.init(body: .json(.init(results: answers, enqueued: enqueued))))
    }

    /// The job in `queue`, or in whichever queue holds it when no queue is given.
    func findJob(_ id: JobID, queue name: String?) async throws -> JobInfo {
        if let name {
            let q = try Self.queueName(name)
            guard let info = try await driver.job(queue: q, id: id) else { throw APIError.notFound("job", id.description) }
            return info
        }
        for q in try await queueNames() {
            if let info = try await driver.job(queue: q, id: id) { return info }
        }
        throw APIError.notFound("job", id.description)
    }

    func getJob(_ input: Operations.getJob.Input) async throws -> Operations.getJob.Output {
        let id = try Self.jobID(input.path.id)
        let info = try await findJob(id, queue: input.query.queue)
        var stored: JobResultRepository.StoredResult?
        if let results = dependencies.results, info.state == .completed || info.state == .dead {
            stored = try? await results.result(of: id)
        }
        let e = info.envelope
        let finished: Date? = info.state == .completed || info.state == .dead || info.state == .cancelled
            ? (stored?.finishedAt ?? info.updatedAtMs.map { Date(ms: $0) }) : nil
        let job = Components.Schemas.Job(
            id: e.id.description, kind: e.kind, queue: e.queue.rawValue, state: .init(wire: info.state), attempts: info.attemptsUsed,
            max_attempts: e.maxAttempts, priority: e.priority, payload: .init(additionalProperties: e.payload.openAPIObject),
            project_id: e.projectID, group: e.group, progress: info.progress, progress_message: info.progressMessage,
            result: stored?.result?.openAPIContainer, last_error: info.lastError, cancel_requested: info.cancelRequested,
            unique: e.uniqueKey, enqueued_at: Date(ms: e.enqueuedAtMs), run_at: Date(ms: e.runAtMs),
            updated_at: info.updatedAtMs.map { Date(ms: $0) }, finished_at: finished)
        return .ok(.init(body: .json(job)))
    }

    func listJobs(_ input: Operations.listJobs.Input) async throws -> Operations.listJobs.Output {
        guard let listing = driver as? any JobListing else { throw APIError.notConfigured("job listing in its queue driver") }
        let q = input.query
        let page = try await listing.listJobs(
            JobListQuery(
                queue: try Self.queueName(q.queue ?? "default"), state: q.state.map { JobState(wire: $0) }, kind: q.kind,
                projectID: q.project_id, cursor: q.cursor, limit: q.limit ?? 100))
        let jobs = page.jobs.map { info in
            Components.Schemas.JobSummary(
                id: info.envelope.id.description, kind: info.envelope.kind, queue: info.envelope.queue.rawValue,
                state: .init(wire: info.state), attempts: info.attemptsUsed, priority: info.envelope.priority,
                project_id: info.envelope.projectID, group: info.envelope.group, last_error: info.lastError,
                enqueued_at: Date(ms: info.envelope.enqueuedAtMs), run_at: Date(ms: info.envelope.runAtMs),
                updated_at: info.updatedAtMs.map { Date(ms: $0) })
        }
        return .ok(.init(body: .json(.init(jobs: jobs, next_cursor: page.nextCursor))))
    }

    func cancelJob(_ input: Operations.cancelJob.Input) async throws -> Operations.cancelJob.Output {
        let id = try Self.jobID(input.path.id)
        let info = try await findJob(id, queue: input.query.queue)
        switch try await driver.cancel(queue: info.envelope.queue, id: id) {
        case .cancelled:
            return .ok(.init(body: .json(.init(id: id.description, outcome: .cancelled))))
        case .cancelRequested:
            return .ok(.init(body: .json(.init(id: id.description, outcome: .cancel_requested))))
        case .alreadyFinished:
            throw APIError(409, "already_finished", "job \(id) has already finished (\(info.state.rawValue)); there is nothing to cancel")
        case .notFound:
            throw APIError.notFound("job", id.description)
        }
    }

    func retryJob(_ input: Operations.retryJob.Input) async throws -> Operations.retryJob.Output {
        let id = try Self.jobID(input.path.id)
        let info = try await findJob(id, queue: input.query.queue)
        guard info.state == .dead else {
            throw APIError(409, "not_dead", "job \(id) is \(info.state.rawValue); only a dead job can be retried")
        }
        let n = try await driver.retryDead(queue: info.envelope.queue, ids: [id])
        guard n == 1 else { throw APIError(409, "not_dead", "job \(id) left the dead letter before it could be retried") }
        return .ok(.init(body: .json(.init(retried: n))))
    }
}
