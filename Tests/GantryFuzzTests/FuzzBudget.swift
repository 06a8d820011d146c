import Glibc

/// How hard the fuzz suites push. `ops/test` runs each property a fixed number of times from the
/// seed given in the test's `.fixedSeed(…)` trait, so the suite stays quick and repeatable; a longer
/// run by hand sets `GANTRY_FUZZ_ITERATIONS` (e.g. 200000) and is reported in the issue note.
enum FuzzBudget {
    /// Iterations for one property: `GANTRY_FUZZ_ITERATIONS` when set, else `quick`.
    static func iterations(quick: Int) -> Int {
        guard let raw = getenv("GANTRY_FUZZ_ITERATIONS"), let n = Int(String(cString: raw)), n > 0 else { return quick }
        return n
    }
}
