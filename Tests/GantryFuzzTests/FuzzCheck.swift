import Glibc
import PropertyBased
import Testing

/// How hard the fuzz suites push. `ops/test` runs each property a fixed number of times from a fixed
/// seed (`fuzz`, below), so the suite stays quick and repeatable; a longer run by hand sets
/// `GANTRY_FUZZ_ITERATIONS` (e.g. 100000) and is reported in the issue note.
enum FuzzBudget {
    /// Iterations for one property: `GANTRY_FUZZ_ITERATIONS` when set, else `quick`.
    static func iterations(quick: Int) -> Int {
        guard let raw = getenv("GANTRY_FUZZ_ITERATIONS"), let n = Int(String(cString: raw)), n > 0 else { return quick }
        return n
    }
}

// MARK: - The fuzz driver, the one every fuzz suite uses

/// What one fuzz case showed: how the code answered (`outcome`, counted per run) and any broken invariant.
struct FuzzCase {
    var outcome = "accepted"
    private(set) var violations: [String] = []

    init() {}

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { violations.append(message()) }
    }
}

/// Runs `body` on `FuzzBudget.iterations(quick:)` values drawn from `input`, starting from the fixed `seed`,
/// so `ops/test` runs the same quick set every time and a long run by hand extends it.
///
/// Not `propertyCheck` under `.fixedSeed(…)`: in swift-property-based 2.0.1 a fixed seed runs one case and
/// then always records an issue ("the property was not tested fully"), because it is meant to replay a failure,
/// not to pin a suite. So this drives the same generators from a `Xoshiro` of its own and reports each failing
/// case with the seed of that case: `@Test(.fixedSeed("<seed>"))` around `propertyCheck(input: <same generator>)`
/// replays exactly it. A trap still ends the process; the seed printed before each run narrows it down.
/// Returns how many cases ended in each outcome.
@discardableResult
func fuzz<Value>(
    _ name: String, seed: String, quick: Int, input: Generator<Value, some SendableSequenceType>,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: (Value, inout FuzzCase) -> Void
) -> [String: Int] {
    guard var rng = Xoshiro(seed: seed) else {
        Issue.record("'\(seed)' is not a swift-property-based seed (base64 of 32 bytes)", sourceLocation: sourceLocation)
        return [:]
    }
    let iterations = FuzzBudget.iterations(quick: quick)
    var outcomes: [String: Int] = [:]
    var failures = 0
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations {
        let caseSeed = rng.currentSeed
        let value = input.run(using: &rng)
        var result = FuzzCase()
        body(value, &result)
        outcomes[result.outcome, default: 0] += 1
        guard !result.violations.isEmpty else { continue }
        failures += 1
        if failures <= 3 {
            let shown = String(String(describing: value).prefix(600))
            let message = "\(name): \(result.violations.joined(separator: "; "))\ninput: \(shown)\n"
                + "replay: @Test(.fixedSeed(\"\(caseSeed)\")) with propertyCheck on the same generator"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
    if failures > 3 { Issue.record("\(name): \(failures) failing cases in all", sourceLocation: sourceLocation) }
    let tally = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("fuzz \(name): \(iterations) cases in \(clock.now - start) from seed \(seed): \(tally); \(failures) failing")
    return outcomes
}

/// `fuzz` for a property that answers with a failure message (nil when it holds), from a 64-bit seed.
func seededCheck<Value>(
    seed: UInt64, quick: Int, input: Generator<Value, some SendableSequenceType>,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: (Value) -> String?
) {
    let start = Xoshiro(seed: (seed, 0x9E37_79B9_7F4A_7C15, seed ^ 0xD1B5_4A32_D192_ED03, 0x94D0_49BB_1331_11EB))
    fuzz("\(sourceLocation.fileName):\(sourceLocation.line)", seed: start.currentSeed, quick: quick, input: input,
         sourceLocation: sourceLocation) { value, result in
        if let failure = body(value) { result.expect(false, failure) }
    }
}
