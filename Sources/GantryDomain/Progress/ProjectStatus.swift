/// Where a project stands as a whole (the `projects.status` check).
///
/// `planned` until its first step starts, `active` while any phase is open, `done` once every phase
/// is done. `on_hold` and `cancelled` are set by people; a project in either takes no progress.
public enum ProjectStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case planned, active
    case onHold = "on_hold"
    case done, cancelled

    /// Whether steps may still be started and completed.
    public var isOpen: Bool { self == .planned || self == .active }
}
