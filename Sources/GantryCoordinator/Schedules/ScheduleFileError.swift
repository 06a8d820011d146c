/// A schedules file that cannot be used: where (the entry's index) and why.
public struct ScheduleFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var entry: Int?
    public var message: String
    public var description: String {
        "\(path)\(entry.map { ": schedule \($0 + 1)" } ?? ""): \(message)"
    }
}
