import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// One row of a project listing: the project without its phases.
public struct ProjectSummaryRecord: Sendable, Hashable {
    public var id: UUID
    public var clientID: UUID
    public var name: String
    public var status: ProjectRecord.Status
    public var startDate: CalendarDay
    public var targetDate: CalendarDay?
    public var createdAt: Date
}

/// A page of projects and the cursor of the next one (nil on the last page).
public struct ProjectSummaryPage: Sendable, Hashable {
    public var projects: [ProjectSummaryRecord]
    public var nextCursor: String?
}

extension ProjectRepository {
    /// Projects newest first (by creation, then id), at most `limit` of them, after `cursor` (the
    /// `nextCursor` of the previous page).
    ///
    /// The cursor is the last row's creation time in microseconds since 1970 and its id, so a
    /// project created while a client pages does not shift the pages.
    /// - Throws: `ProjectCursorError` when `cursor` is not one this method made.
    public func listProjects(cursor: String? = nil, limit: Int = 100) async throws -> ProjectSummaryPage {
        var after: (micros: Int64, id: UUID)?
        if let cursor {
            guard let parsed = Self.parseCursor(cursor) else { throw ProjectCursorError(cursor: cursor) }
            after = parsed
        }
        let n = max(1, min(limit, 1000))
        let result = try await executor.query(
            """
            SELECT id, client_id, name, status, start_date, target_date, created_at,
                   (extract(epoch FROM created_at) * 1000000)::bigint
            FROM projects
            WHERE \(after == nil) OR ((extract(epoch FROM created_at) * 1000000)::bigint, id)
                                     < (\(after?.micros ?? 0), \(after?.id ?? UUID()))
            ORDER BY created_at DESC, id DESC
            LIMIT \(n + 1)
            """)
        var projects: [ProjectSummaryRecord] = []
        var last: (Int64, UUID)?
        for row in result.rows.prefix(n) {
            let id = try row.decode(0, as: UUID.self)
            projects.append(
                ProjectSummaryRecord(
                    id: id, clientID: try row.decode(1, as: UUID.self), name: try row.decode(2, as: String.self),
                    status: try row.decodeRaw(3, as: ProjectRecord.Status.self),
                    startDate: try row.decode(4, as: CalendarDay.self),
                    targetDate: try row.decode(5, as: CalendarDay?.self), createdAt: try row.decode(6, as: Date.self)))
            last = (try row.decode(7, as: Int64.self), id)
        }
        let next = result.rows.count > n ? last.map { "\($0.0).\($0.1.uuidString.lowercased())" } : nil
        return ProjectSummaryPage(projects: projects, nextCursor: next)
    }

    static func parseCursor(_ text: String) -> (micros: Int64, id: UUID)? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        return (micros, id)
    }
}

/// A listing cursor that no listing made.
public struct ProjectCursorError: Error, Sendable, Hashable, CustomStringConvertible {
    public var cursor: String
    public var description: String { "'\(cursor)' is not a cursor of this listing" }
}
