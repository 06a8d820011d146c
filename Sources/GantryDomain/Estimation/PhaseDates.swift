/// When a phase actually started and, once done, finished: what a re-forecast knows as of its
/// status date. Dates are inclusive working days in the forecast's calendar.
public struct PhaseDates: Sendable, Hashable, Codable {
    public var started: CalendarDay
    public var finished: CalendarDay?

    public init(started: CalendarDay, finished: CalendarDay? = nil) {
        self.started = started
        self.finished = finished
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case started, finished }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        started = try c.decode(required: .started, "a started phase needs its start date")
        finished = try c.decodeIfPresent(CalendarDay.self, forKey: .finished)
    }
}
