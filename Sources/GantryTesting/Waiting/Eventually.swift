/// Re-checks `condition` until it holds, and throws `WaitTimeout` once `timeout` has passed.
///
/// For state that has no event to wait on (a row in PostgreSQL, a process's exit, a key in Redis
/// written by another process): every poll in the tests goes through here, so none is unbounded.
/// Prefer `TestExpectation` where the code under test can say when the event happened.
public func eventually(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        if try await condition() { return }
        guard clock.now < deadline else { throw WaitTimeout(what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// Re-reads `value` until `accept` holds for it and returns it; throws `WaitTimeout`, naming the
/// last value seen, once `timeout` has passed.
public func eventually<Value: Sendable>(
    _ what: String, timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(10),
    read value: () async throws -> Value, until accept: (Value) -> Bool
) async throws -> Value {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while true {
        let current = try await value()
        if accept(current) { return current }
        guard clock.now < deadline else { throw WaitTimeout(what, timeout: timeout, detail: "last: \(current)") }
        try await Task.sleep(for: interval)
    }
}
