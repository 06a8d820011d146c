import GantryDomain
import GantryPostgres

// The store's days (planned and actual phase dates, forecast finishes) are the domain's
// `CalendarDay`, one civil-date algorithm for the whole product; its phases are the domain's
// `DeliveryPhase`, whose raw values are what `phases.phase` stores.

/// A `date` column. `Date` is an instant: sent as `timestamptz` and cast to `date` it would depend on
/// the session's time zone, so a day travels as `YYYY-MM-DD` text and the server never applies one.
extension CalendarDay: PostgresEncodable, PostgresDecodable {
    public static var postgresDataType: PostgresDataType { .date }
    public func postgresBind() -> PostgresBind {
        PostgresBind(dataType: .date, format: .text, bytes: Array(description.utf8))
    }
    /// Reads a `date` column's ISO text; BC dates and `infinity` are refused (no phase has one).
    public init(postgresBytes bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        guard format == .text, let value = CalendarDay(text) else {
            throw PostgresError(code: .decoding, message: "cannot decode '\(text)' (\(dataType)) as CalendarDay")
        }
        self = value
    }
}
