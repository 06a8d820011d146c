@testable import GantryPostgres
import Foundation
import Testing

/// The client's one civil-date conversion, against dates whose day numbers are known, with no server.
@Suite struct PostgresWireDateTests {
    @Test func civilDatesCountDaysFromTheUnixEpoch() {
        #expect(PostgresWire.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(PostgresWire.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
        #expect(PostgresWire.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(PostgresWire.daysFromCivil(year: 2024, month: 2, day: 29) == 19_782)
        #expect(PostgresWire.daysFromCivil(year: 2100, month: 3, day: 1) == 47_541, "2100 is not a leap year")
        #expect(PostgresWire.daysFromCivil(year: 1, month: 1, day: 1) == -719_162)
    }

    @Test func postgresEpochIsTheStartOf2000() {
        #expect(PostgresWire.postgresEpoch == TimeInterval(PostgresWire.daysFromCivil(year: 2000, month: 1, day: 1) * 86_400))
    }

    @Test func timestampTextParsesWithOffsetsFractionsAndEras() {
        #expect(PostgresWire.parseTimestamp(Array("2024-02-29 12:30:15.25+02".utf8))
            == Date(timeIntervalSince1970: 19_782 * 86_400 + 10 * 3600 + 30 * 60 + 15.25))
        #expect(PostgresWire.parseTimestamp(Array("1970-01-01".utf8)) == Date(timeIntervalSince1970: 0))
        #expect(PostgresWire.parseTimestamp(Array("0001-01-01 BC".utf8))
            == Date(timeIntervalSince1970: TimeInterval(PostgresWire.daysFromCivil(year: 0, month: 1, day: 1) * 86_400)))
        #expect(PostgresWire.parseTimestamp(Array("infinity".utf8)) == .distantFuture)
        #expect(PostgresWire.parseTimestamp(Array("2024-13-01".utf8)) == nil)
    }
}
