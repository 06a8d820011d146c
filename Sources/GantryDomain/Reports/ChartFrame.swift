/// The canvas of a report chart in SVG user units: its size and the margins that hold the axes'
/// labels. SVG's y axis points down, so the plot's bottom edge is `height - bottom`.
public struct ChartFrame: Sendable, Hashable {
    public var width: Double
    public var height: Double
    public var left: Double
    public var right: Double
    public var top: Double
    public var bottom: Double

    public init(width: Double = 640, height: Double = 240, left: Double = 48, right: Double = 16, top: Double = 16, bottom: Double = 36) {
        self.width = width
        self.height = height
        self.left = left
        self.right = right
        self.top = top
        self.bottom = bottom
    }

    public var plotLeft: Double { left }
    public var plotRight: Double { width - right }
    public var plotTop: Double { top }
    public var plotBottom: Double { height - bottom }
    public var plotWidth: Double { Swift.max(plotRight - plotLeft, 0) }
    public var plotHeight: Double { Swift.max(plotBottom - plotTop, 0) }

    /// The x of `value` on a linear scale from `domain` onto the plot's width (the middle when the
    /// domain is a single point).
    public func x(_ value: Double, domain: ClosedRange<Double>) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return plotLeft + plotWidth / 2 }
        return plotLeft + (value - domain.lowerBound) / span * plotWidth
    }

    /// The y of `value` on a linear scale from `domain` onto the plot's height, larger values higher.
    public func y(_ value: Double, domain: ClosedRange<Double>) -> Double {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0 else { return plotBottom }
        return plotBottom - (value - domain.lowerBound) / span * plotHeight
    }

    /// Ticks for weeks along the bottom edge, as both charts of a forecast label them: whole weeks
    /// without decimals, others to a tenth.
    func weekTicks(_ weeks: ClosedRange<Double>) -> [AxisTick] {
        AxisTick.niceValues(in: weeks).map {
            AxisTick(position: x($0, domain: weeks), label: ReportNumber.fixed($0, $0.rounded() == $0 ? 0 : 1))
        }
    }

    /// Vertical lines at the weeks of `markers` (P50, P80, the target); those outside `weeks` are
    /// dropped, since the chart's scale ends there.
    func markers(_ markers: [(label: String, weeks: Double)], within weeks: ClosedRange<Double>) -> [ChartMarker] {
        markers.filter { weeks.contains($0.weeks) }.map { ChartMarker(x: x($0.weeks, domain: weeks), label: $0.label) }
    }
}

/// A tick on an axis: its position along the axis (x for the horizontal axis, y for the vertical) and its label.
public struct AxisTick: Sendable, Hashable {
    public var position: Double
    public var label: String

    public init(position: Double, label: String) {
        self.position = position
        self.label = label
    }

    /// Round values ("nice" steps of 1, 2 or 5 × 10ⁿ) covering `domain` with about `count` ticks, as
    /// people label axes by hand. Empty for an empty or not-finite domain.
    public static func niceValues(in domain: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span.isFinite, span > 0, count > 0 else {
            return domain.lowerBound.isFinite ? [domain.lowerBound] : []
        }
        let raw = span / Double(count)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        // The round step whose tick count comes nearest the wish.
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { Swift.abs(span / $0 - Double(count)) < Swift.abs(span / $1 - Double(count)) }!
        var values: [Double] = []
        var k = (domain.lowerBound / step).rounded(.up)
        // Relative slack, so that a bound equal to a multiple of the step is not lost to rounding.
        while k * step <= domain.upperBound + step * 1e-9 {
            values.append(k * step)
            k += 1
        }
        return values
    }
}

/// A vertical line across a chart at a point of the x axis, such as the P80 or the target.
public struct ChartMarker: Sendable, Hashable {
    public var x: Double
    public var label: String

    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}
