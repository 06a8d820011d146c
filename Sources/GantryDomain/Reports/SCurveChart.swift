/// The forecast's S-curve (cumulative probability of finishing within a number of weeks) as
/// SVG-ready geometry: a polyline, ticks, and markers for P50, P80 and the target.
public struct SCurveChart: Sendable, Hashable {
    public var frame: ChartFrame
    /// The curve's vertices in SVG user units, in order of weeks.
    public var points: [(x: Double, y: Double)] { zip(xs, ys).map { ($0, $1) } }
    var xs: [Double] = []
    var ys: [Double] = []
    /// Weeks along the bottom edge.
    public var xTicks: [AxisTick] = []
    /// 0 %, 25 %, 50 %, 75 %, 100 % up the left edge.
    public var yTicks: [AxisTick] = []
    public var markers: [ChartMarker] = []

    /// - Parameter markers: labels and weeks of vertical lines; those outside the curve's range are dropped.
    public init(points curve: [SCurvePoint], frame: ChartFrame = ChartFrame(), markers: [(label: String, weeks: Double)] = []) {
        self.frame = frame
        let sorted = curve.sorted { $0.weeks < $1.weeks }
        // No points: an empty chart.
        guard let first = sorted.first, let last = sorted.last else { return }
        let weeks = first.weeks...last.weeks
        let probability = 0.0...1.0
        xs = sorted.map { frame.x($0.weeks, domain: weeks) }
        ys = sorted.map { frame.y(Swift.min(Swift.max($0.probability, 0), 1), domain: probability) }
        xTicks = frame.weekTicks(weeks)
        yTicks = [0.0, 0.25, 0.5, 0.75, 1].map {
            AxisTick(position: frame.y($0, domain: probability), label: ReportNumber.percent($0))
        }
        self.markers = frame.markers(markers, within: weeks)
    }

    /// The vertices as an SVG `points` attribute: `x,y` pairs to a tenth of a unit, space-separated.
    public var pointsAttribute: String {
        zip(xs, ys).map { "\(ReportNumber.fixed($0, 1)),\(ReportNumber.fixed($1, 1))" }.joined(separator: " ")
    }
}
