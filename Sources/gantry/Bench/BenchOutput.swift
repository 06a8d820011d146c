import ArgumentParser
import FoundationEssentials

/// How every benchmark reports: `--json` prints one JSON object (sorted keys) for scripts and nothing else on
/// stdout; otherwise progress goes to stderr and the figures to stdout as aligned lines for a person.
struct BenchOutput: ParsableArguments {
    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    /// A step that is about to run, on stderr, for a person only: scripts read stdout, and a quiet stderr.
    func progress(_ step: String) {
        if !json { Text.writeStandardError("  \(step)…\n") }
    }

    /// The result as one JSON object, or the lines `human` writes for a person.
    func report(_ result: some Encodable, human: () -> Void) throws {
        guard json else { return human() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    /// One line of the human report: the label in a column `width` wide, then its figure.
    static func line(_ label: String, width: Int, _ figure: String) -> String {
        "  " + label.padded(to: width) + figure
    }
}
