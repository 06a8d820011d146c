import FoundationEssentials
import GantryDomain

/// One chart as the SVG template draws it: the frame, bars or a polyline, ticks and markers, with
/// coordinates to a tenth of a unit.
struct ChartView: Sendable {
    struct Bar: Sendable {
        var x: String
        var y: String
        var width: String
        var height: String
        var caption: String
    }

    struct Tick: Sendable {
        var position: String
        var label: String
    }

    struct Marker: Sendable {
        var x: String
        var label: String
        var labelX: String
        var labelY: String
    }

    var title: String
    var kind: String
    var width: String
    var height: String
    var plotLeft: String
    var plotRight: String
    var plotTop: String
    var plotBottom: String
    var xLabelY: String
    var xTickEnd: String
    var yLabelX: String
    var bars: [Bar]
    var polyline: String?
    var xTicks: [Tick]
    var yTicks: [Tick]
    var markers: [Marker]

    init(_ chart: HistogramChart, title: String) {
        self.init(frame: chart.frame, title: title, kind: "histogram", xTicks: chart.xTicks, yTicks: chart.yTicks, markers: chart.markers)
        bars = chart.bars.map {
            Bar(x: Self.n($0.x), y: Self.n($0.y), width: Self.n($0.width), height: Self.n($0.height), caption: $0.caption)
        }
    }

    init(_ chart: SCurveChart, title: String) {
        self.init(frame: chart.frame, title: title, kind: "s-curve", xTicks: chart.xTicks, yTicks: chart.yTicks, markers: chart.markers)
        polyline = chart.points.isEmpty ? nil : chart.pointsAttribute
    }

    private init(frame: ChartFrame, title: String, kind: String, xTicks: [AxisTick], yTicks: [AxisTick], markers: [ChartMarker]) {
        self.title = title
        self.kind = kind
        width = Self.n(frame.width)
        height = Self.n(frame.height)
        plotLeft = Self.n(frame.plotLeft)
        plotRight = Self.n(frame.plotRight)
        plotTop = Self.n(frame.plotTop)
        plotBottom = Self.n(frame.plotBottom)
        xLabelY = Self.n(frame.plotBottom + 16)
        xTickEnd = Self.n(frame.plotBottom + 4)
        yLabelX = Self.n(frame.plotLeft - 6)
        bars = []
        polyline = nil
        self.xTicks = xTicks.map { Tick(position: Self.n($0.position), label: $0.label) }
        self.yTicks = yTicks.map { Tick(position: Self.n($0.position), label: $0.label) }
        // Labels step down a line each, so that markers close together (P50 and a near target) stay legible.
        self.markers = markers.enumerated().map { index, marker in
            Marker(
                x: Self.n(marker.x), label: marker.label, labelX: Self.n(marker.x + 3),
                labelY: Self.n(frame.plotTop + Double(index) * 13))
        }
    }

    static func n(_ value: Double) -> String { ReportNumber.fixed(value, 1) }
}
