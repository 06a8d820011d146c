import FoundationEssentials
import GantryDomain
import GantryPostgres
import Glibc

extension EstimateRepository {
    /// The project's forecast history, oldest first: one point per stored estimate (every
    /// `estimate.simulate` run stores one), with its P50 and P80 finish and on-time probability, so
    /// a slip shows as a trend. At most the latest `limit` points.
    ///
    /// The P50 finish is read from the stored result's percentiles (`p80_finish` has a column of
    /// its own); an estimate made without a calendar has neither.
    public func forecastHistory(of projectID: UUID, limit: Int = 200) async throws -> [ForecastPoint] {
        let result = try await executor.query(
            """
            SELECT id, created_at, kind, p80_finish, probability_on_time,
                   (SELECT (pct ->> 'finish_date')::date FROM jsonb_array_elements(
                        CASE WHEN jsonb_typeof(result -> 'percentiles') = 'array' THEN result -> 'percentiles' ELSE '[]'::jsonb END) AS pct
                    WHERE pct ->> 'percentile' = '50' LIMIT 1)
            FROM (
                SELECT * FROM estimates WHERE project_id = \(projectID)
                ORDER BY created_at DESC, id DESC
                LIMIT \(max(0, limit))
            ) latest
            ORDER BY created_at, id
            """)
        return try result.rows.map { row in
            ForecastPoint(
                estimateID: try row.decode(0, as: UUID.self), createdAt: try row.decode(1, as: Date.self),
                kind: try row.decode(2, as: String.self), p50Finish: try row.decode(5, as: CalendarDay?.self),
                p80Finish: try row.decode(3, as: CalendarDay?.self), probabilityOnTime: try row.decode(4, as: Double?.self))
        }
    }
}
