import GantryAPIClient

/// Follows one job to its end for `--wait`: polls getJob (every 100 ms at first, backing off to a second), draws
/// its progress on stderr, and answers the finished job, or throws `.jobFailed` (exit 1) when it ends dead or
/// cancelled.
struct JobFollower {
    let api: APIClient
    /// Nil: as long as it takes.
    var timeoutSeconds: Double?

    func follow(id: String, queue: String?) async throws(CLIError) -> Components.Schemas.Job {
        var bar = ProgressBar(total: 100, unit: "")
        let started = ContinuousClock.now
        var pause = Duration.milliseconds(100)
        while true {
            let job = try await api.call { client in
                try await client.getJob(path: .init(id: id), query: .init(queue: queue)).ok.body.json
            }
            let note = [job.state.rawValue, job.progress_message ?? "", job.last_error.map { "last error: \($0)" } ?? ""]
                .filter { !$0.isEmpty }.joined(separator: "  ")
            switch job.state {
            case .completed:
                bar.finish(100, note: note)
                return job
            case .dead, .cancelled:
                bar.finish(job.progress ?? 0, note: note)
                let why = job.last_error.map { ": \($0)" } ?? ""
                throw CLIError(
                    .jobFailed, "job \(id) (\(job.kind)) ended \(job.state.rawValue) after \(job.attempts) of \(job.max_attempts) attempts\(why)")
            default:
                bar.update(job.progress ?? 0, note: note)
            }
            if let timeoutSeconds, ContinuousClock.now - started > .milliseconds(Int64(timeoutSeconds * 1000)) {
                bar.finish(job.progress ?? 0, note: note)
                throw CLIError(.jobFailed, "job \(id) is still \(job.state.rawValue) after \(HumanUnits.duration(seconds: timeoutSeconds))")
            }
            do {
                try await Task.sleep(for: pause)
            } catch {
                throw CLIError(.jobFailed, "stopped waiting for job \(id)")
            }
            pause = min(pause * 2, .seconds(1))
        }
    }
}
