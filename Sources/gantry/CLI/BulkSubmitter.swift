import FoundationEssentials
import GantryAPIClient
import OpenAPIRuntime

/// `gantry submit KIND --file jobs.ndjson`: one payload per line, sent in bulk requests of `batchSize`.
///
/// The API refuses a whole bulk request for one bad job (422, field `jobs[i]…`), so a refused line is taken out
/// and the rest of its request sent again: every good line is stored once and every bad one is reported with its
/// line number. Each request carries its own `Idempotency-Key`, so one resent after a lost answer stores nothing
/// twice.
struct BulkSubmitter {
    struct Line: Sendable {
        var number: Int
        var payload: Components.Schemas.JobRequest.payloadPayload
    }

    struct Refusal: Sendable, Encodable {
        var line: Int
        var code: String
        var message: String
        var field: String?
    }

    struct Summary: Sendable, Encodable {
        var lines = 0
        var taken = 0
        var deduplicated = 0
        var refused: [Refusal] = []
        var seconds = 0.0
    }

    let api: APIClient
    /// Every job but its payload: kind, queue, delay, unique key, priority.
    let template: Components.Schemas.JobRequest
    let batchSize: Int

    /// Reads the payload lines (blank lines skipped; a line that is not a JSON object is refused here).
    static func read(_ bytes: [UInt8]) -> (lines: [Line], refused: [Refusal]) {
        var lines: [Line] = []
        var refused: [Refusal] = []
        let decoder = JSONDecoder()
        var number = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var line = raw[...]
            while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                line = line.dropLast()
            }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                let payload = try decoder.decode(Components.Schemas.JobRequest.payloadPayload.self, from: Data(line))
                lines.append(Line(number: number, payload: payload))
            } catch {
                refused.append(Refusal(line: number, code: "invalid_json", message: "not a JSON object", field: nil))
            }
        }
        return (lines, refused)
    }

    func submit(_ lines: [Line], refusedEarlier: [Refusal]) async throws(CLIError) -> Summary {
        var summary = Summary()
        summary.lines = lines.count + refusedEarlier.count
        summary.refused = refusedEarlier
        var bar = ProgressBar(total: summary.lines, unit: "lines")
        var done = refusedEarlier.count
        var start = 0
        while start < lines.count {
            let chunk = Array(lines[start..<min(start + batchSize, lines.count)])
            start += chunk.count
            try await send(chunk, into: &summary, done: &done, bar: &bar)
        }
        summary.refused.sort { $0.line < $1.line }
        summary.seconds = bar.elapsedSeconds
        bar.finish(done, note: note(summary))
        return summary
    }

    private func note(_ summary: Summary) -> String {
        summary.refused.isEmpty ? "" : "\(HumanUnits.count(summary.refused.count)) refused"
    }

    private func send(_ chunk: [Line], into summary: inout Summary, done: inout Int, bar: inout ProgressBar) async throws(CLIError) {
        var remaining = chunk
        var unavailable = 0
        while !remaining.isEmpty {
            let jobs = remaining.map { line -> Components.Schemas.JobRequest in
                var job = template
                job.payload = line.payload
                return job
            }
            do {
                let answer = try await post(jobs)
                for result in answer.results {
                    if result.enqueued { summary.taken += 1 } else { summary.deduplicated += 1 }
                }
                done += remaining.count
                bar.update(done, note: note(summary))
                return
            } catch let failure {
                switch failure.status {
                case 400, 422:
                    if let index = Self.jobIndex(failure.field), index < remaining.count {
                        // One bad line: report it, send the others again.
                        summary.refused.append(
                            Refusal(line: remaining[index].number, code: failure.code, message: failure.message, field: Self.innerField(failure.field)))
                        remaining.remove(at: index)
                        done += 1
                        continue
                    }
                    for line in remaining {
                        summary.refused.append(Refusal(line: line.number, code: failure.code, message: failure.message, field: failure.field))
                    }
                    done += remaining.count
                    return
                case 413 where remaining.count > 1:
                    let half = remaining.count / 2
                    try await send(Array(remaining[..<half]), into: &summary, done: &done, bar: &bar)
                    try await send(Array(remaining[half...]), into: &summary, done: &done, bar: &bar)
                    return
                case 503:
                    // Some jobs may be stored already (`error.results`): count them and send only the others.
                    if let stored = failure.stored, stored.count == remaining.count {
                        var others: [Line] = []
                        for (line, id) in zip(remaining, stored) {
                            if id != nil { summary.taken += 1; done += 1 } else { others.append(line) }
                        }
                        remaining = others
                    }
                    unavailable += 1
                    if unavailable > 3 { throw failure.cliError }
                    try? await Task.sleep(for: .seconds(max(1, min(10, failure.retryAfter ?? unavailable))))
                default:
                    throw failure.cliError
                }
            }
        }
    }

    /// One bulk request; an answer lost on the way (no response at all) is asked again with the same
    /// `Idempotency-Key`, so it is stored once however many times it is sent.
    private func post(_ jobs: [Components.Schemas.JobRequest]) async throws(APIFailure) -> Components.Schemas.EnqueuedJobs {
        let key = UUID().uuidString.lowercased()
        var lost = 0
        while true {
            do {
                return try await api.client.createJobs(
                    headers: .init(Idempotency_hyphen_Key: key), body: .json(.init(jobs: jobs))
                ).created.body.json
            } catch {
                if let failure = (error as? ClientError)?.underlyingError as? APIFailure { throw failure }
                let mapped = api.map(error)
                lost += 1
                if mapped.code != .unreachable || lost > 3 {
                    throw APIFailure(wrapping: mapped)
                }
                try? await Task.sleep(for: .seconds(lost))
            }
        }
    }

    /// `jobs[17].payload.ms` → 17.
    static func jobIndex(_ field: String?) -> Int? {
        guard let field, field.hasPrefix("jobs["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 5)..<close])
    }

    /// `jobs[17].payload.ms` → `payload.ms`.
    static func innerField(_ field: String?) -> String? {
        guard let field, let close = field.firstIndex(of: "]") else { return field }
        let rest = field[field.index(after: close)...]
        return rest.hasPrefix(".") ? String(rest.dropFirst()) : (rest.isEmpty ? nil : String(rest))
    }
}

extension APIFailure {
    /// A CLI error carried through the bulk path, which speaks `APIFailure`; `cliError` gives it back unchanged.
    init(wrapping error: CLIError) {
        self.init(status: 0, body: [], retryAfter: nil)
        code = error.code.rawValue
        message = error.message
        field = error.field
        wrapped = error
    }
}
