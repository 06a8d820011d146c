import GantryCore
import GantryPostgresStore

/// `gantry.drill`: inserts one row into `gantry_drill_rows` through the `ResultLedger`, so the
/// row and the job's result commit together. Kill workers, restart servers: the table must end
/// with exactly one row per job. The table has no unique key on purpose, so only the ledger can
/// keep a re-run from doubling the row.
public struct DrillRowHandler: JobHandler {
    public struct Payload: Decodable, Sendable {
        public var n: Int
    }

    public let kind = BuiltInKinds.drill.name
    let ledger: ResultLedger

    public init(ledger: ResultLedger) {
        self.ledger = ledger
    }

    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        let outcome = try await ledger.once(context.envelope) { transaction in
            try await transaction.drillRows.insert(jobID: context.jobID.uuid, n: payload.n)
            return ["n": .integer(Int64(payload.n))]
        }
        return outcome.result
    }
}
