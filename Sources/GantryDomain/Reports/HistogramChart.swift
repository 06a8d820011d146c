/// The forecast's histogram as SVG-ready geometry: one bar per bin (height proportional to the
/// bin's probability), ticks for weeks and probability, and markers for P50, P80 and the target.
public struct HistogramChart: Sendable, Hashable {
    /// One bar: its rectangle in SVG user units and a caption for its tooltip.
    public struct Bar: Sendable, Hashable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
        public var caption: String
    }

    public var frame: ChartFrame
    public var bars: [Bar] = []
    /// Weeks along the bottom edge.
    public var xTicks: [AxisTick] = []
    /// Probability per bin up the left edge.
    public var yTicks: [AxisTick] = []
    public var markers: [ChartMarker] = []

    /// - Parameter markers: labels and weeks of vertical lines; those outside the bins' range are dropped.
    public init(bins: [HistogramBin], frame: ChartFrame = ChartFrame(), markers: [(label: String, weeks: Double)] = []) {
        self.frame = frame
        // No bins: an empty chart.
        guard let first = bins.first, let last = bins.last, last.upperWeeks >= first.lowerWeeks else { return }
        let weeks = first.lowerWeeks...last.upperWeeks
        let peak = bins.map(\.probability).max() ?? 0
        let probability = 0...(peak > 0 ? peak : 1)
        bars = bins.map { bin in
            let left = frame.x(bin.lowerWeeks, domain: weeks)
            let right = frame.x(bin.upperWeeks, domain: weeks)
            let top = frame.y(bin.probability, domain: probability)
            return Bar(
                x: left, y: top, width: Swift.max(right - left, 0), height: frame.plotBottom - top,
                caption: "\(ReportNumber.fixed(bin.lowerWeeks, 1))–\(ReportNumber.fixed(bin.upperWeeks, 1)) weeks: "
                    + "\(ReportNumber.fixed(bin.probability * 100, 1))%")
        }
        xTicks = frame.weekTicks(weeks)
        yTicks = AxisTick.niceValues(in: probability, count: 4).map {
            let percent = $0 * 100
            return AxisTick(
                position: frame.y($0, domain: probability),
                label: ReportNumber.fixed(percent, Swift.abs(percent - percent.rounded()) < 1e-6 ? 0 : 1) + "%")
        }
        self.markers = frame.markers(markers, within: weeks)
    }
}
