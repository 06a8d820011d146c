import FoundationEssentials
import GantryAPIClient
import OpenAPIRuntime

/// `gantry import --dry-run`: the API runs the whole import in a transaction it rolls back and answers with
/// the counts; this prints them, the reconciliation's verdict and the first rejected rows.
extension ImportCommand {
    func rehearse(_ client: APIClient, bytes: [UInt8], name: String) async throws {
        let query = Operations.dryRunImport.Input.Query(
            project_id: projectID, entity: .init(rawValue: entity)!, profile: profile.flatMap { .init(rawValue: $0) }, name: name,
            encoding: encoding.flatMap(Self.wireEncoding))
        // One request does all the work: a ticker on stderr shows it is still going, as --wait's bar does.
        let ticker = Task {
            guard Terminal.isTerminal(2) else { return }
            let started = ContinuousClock.now
            while !Task.isCancelled {
                let seconds = (ContinuousClock.now - started).seconds
                Text.writeStandardError(
                    "\r\u{1B}[2Kdry run of \(name) (\(HumanUnits.count(bytes.count)) bytes): validating and merging, "
                        + HumanUnits.duration(seconds: seconds))
                try? await Task.sleep(for: .milliseconds(250))
            }
            Text.writeStandardError("\r\u{1B}[2K")
        }
        let answer: Components.Schemas.ImportDryRun
        do {
            answer = try await client.call { try await $0.dryRunImport(query: query, body: .csv(HTTPBody(bytes))).ok.body.json }
        } catch {
            ticker.cancel()
            _ = await ticker.value
            throw error
        }
        ticker.cancel()
        _ = await ticker.value
        if json {
            try JSONOutput.print(answer)
            return
        }
        Text.writeStandardOutput(Self.describe(answer))
    }

    static func describe(_ answer: Components.Schemas.ImportDryRun) -> String {
        var text = "dry run (nothing was stored): \(answer.entity.rawValue) from \(answer.source_name), "
        text += "\(HumanUnits.count(answer.source_rows)) rows in \(answer.batch_count) batches\n"
        text += "would be: \(counts(answer.counts))\n"
        if let note = answer.encoding_note { text += "encoding: \(note)\n" }
        if !answer.ignored_headers.isEmpty { text += "ignored columns: \(answer.ignored_headers.joined(separator: ", "))\n" }
        if let reconciliation = answer.reconciliation?.additionalProperties.value {
            let balanced = reconciliation["balanced"] as? Bool == true
            text += "reconciliation: \(balanced ? Paint.good("would balance") : Paint.bad("would not balance"))\n"
        }
        if !answer.rejected.isEmpty {
            var table = Table([.init("ROW", right: true), .init("EXTERNAL ID"), .init("COLUMN"), .init("REASON")])
            for row in answer.rejected {
                table.append([String(row.row), row.external_id ?? "", row.column ?? "", row.reason])
            }
            let shown = answer.rejected.count < answer.counts.rejected ? " (the first \(answer.rejected.count))" : ""
            text += "rejected rows\(shown):\n" + table.rendered()
        }
        return text
    }
}
