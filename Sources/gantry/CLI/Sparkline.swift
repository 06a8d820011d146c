/// A one-line chart of recent values (`▁▂▄█`), for `gantry queues --watch`'s depth history.
struct Sparkline: Sendable {
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    let capacity: Int
    private(set) var values: [Int] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    mutating func append(_ value: Int) {
        values.append(max(0, value))
        if values.count > capacity { values.removeFirst(values.count - capacity) }
    }

    /// Scaled to the largest value shown, so a queue's own shape is visible whatever its size; all-zero is flat.
    var rendered: String {
        let top = values.max() ?? 0
        return String(values.map { value in
            guard top > 0 else { return Self.bars[0] }
            return Self.bars[Int((Double(value) / Double(top) * Double(Self.bars.count - 1)).rounded())]
        })
    }
}
