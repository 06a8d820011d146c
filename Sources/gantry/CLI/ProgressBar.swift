/// A progress bar on stderr, redrawn in place at most ten times a second, and only when stderr is a terminal:
/// piped or redirected output gets no escape codes and no half-lines, only what the command prints at the end.
struct ProgressBar {
    let total: Int
    let unit: String
    let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?

    /// `total` 0 when the end is unknown (the bar then shows only the count and rate); `unit` empty for a bar of
    /// a percentage (a job's own progress), which shows no count and no rate.
    init(total: Int, unit: String, enabled: Bool = Terminal.isTerminal(2)) {
        self.total = total
        self.unit = unit
        self.enabled = enabled
    }

    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Redraws with `done` of `total` and an optional note (`42 refused`); skipped when drawn < 100 ms ago.
    mutating func update(_ done: Int, note: String = "", force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if !force, let lastDrawn, now - lastDrawn < .milliseconds(100) { return }
        lastDrawn = now
        Text.writeStandardError("\r\u{1B}[2K" + line(done, note: note))
    }

    /// Draws the final state and ends the line, so what follows starts on its own line.
    mutating func finish(_ done: Int, note: String = "") {
        guard enabled else { return }
        update(done, note: note, force: true)
        Text.writeStandardError("\n")
    }

    /// `[██████░░░░]  60%  6,000/10,000 jobs  3,012/s  ETA 1.3s  note`.
    func line(_ done: Int, note: String) -> String {
        let seconds = elapsedSeconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var parts: [String] = []
        if total > 0 {
            let fraction = min(1, max(0, Double(done) / Double(total)))
            let width = 24
            let filled = Int((fraction * Double(width)).rounded(.down))
            parts.append("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]")
            parts.append(Text.format("%3d%%", Int((fraction * 100).rounded(.down))))
            if !unit.isEmpty { parts.append("\(HumanUnits.count(done))/\(HumanUnits.count(total)) \(unit)") }
        } else {
            parts.append("\(HumanUnits.count(done)) \(unit)")
        }
        if !unit.isEmpty { parts.append(HumanUnits.rate(rate)) }
        if total > 0, done > 0, done < total, rate > 0 {
            parts.append("ETA " + HumanUnits.duration(seconds: Double(total - done) / rate))
        }
        if !note.isEmpty { parts.append(note) }
        return parts.joined(separator: "  ")
    }
}
