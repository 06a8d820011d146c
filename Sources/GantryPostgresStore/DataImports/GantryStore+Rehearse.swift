extension GantryStore {
    /// Runs `body` in one transaction and always rolls it back, returning what `body` returned:
    /// how a dry run merges a whole file and then leaves the database as it found it.
    ///
    /// The transaction holds the row locks of every record it touched until it ends, like the real
    /// import's batches; a dry run is one transaction, so keep it to files a request can carry.
    public func rehearse<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        do {
            _ = try await transaction { transaction -> Bool in
                throw Rehearsal(value: try await body(transaction))
            }
        } catch let rehearsal as Rehearsal<T> {
            return rehearsal.value
        }
        preconditionFailure("a rehearsal's transaction always ends by throwing")
    }
}

/// Carries a rehearsal's value out of the transaction it rolls back (a thrown error is the one
/// way `transaction` ends in ROLLBACK).
private struct Rehearsal<T: Sendable>: Error {
    var value: T
}
