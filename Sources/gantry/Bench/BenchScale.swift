import ArgumentParser

/// `--quick`: the same benchmark with its sizes capped, for CI.
struct BenchScale: ParsableArguments {
    @Flag(help: "Smaller runs, for CI.")
    var quick = false

    /// `value`, or at most `cap` of it with `--quick`.
    func size(_ value: Int, quick cap: Int) -> Int { quick ? min(value, cap) : value }
}
