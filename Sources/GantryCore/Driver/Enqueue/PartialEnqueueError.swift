/// A bulk enqueue that stored some jobs and not others (a Redis error on one chunk of a large
/// batch): `results[i]` is the answer for the i-th job asked for, nil for a job that was not
/// taken, so the caller can retry exactly those.
public struct PartialEnqueueError: Error, Sendable, CustomStringConvertible {
    public var results: [EnqueueResult?]
    public var underlying: GantryError
    public init(results: [EnqueueResult?], underlying: GantryError) {
        self.results = results
        self.underlying = underlying
    }
    public var taken: Int { results.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    public var description: String {
        "enqueue stored \(taken) of \(results.count) jobs before it failed: \(underlying)"
    }
}
