import Foundation
import Testing
@testable import GantryDomain

/// The SVG-ready geometry of the report's histogram and S-curve.
@Suite struct ReportChartTests {
    /// A 100 × 100 plot area at (10, 10) in a 120 × 130 canvas.
    let frame = ChartFrame(width: 120, height: 130, left: 10, right: 10, top: 10, bottom: 20)

    @Test func histogramBarsSpanTheirBinsAndScaleToTheTallestBin() {
        let bins = [
            HistogramBin(lowerWeeks: 20, upperWeeks: 22, count: 10, probability: 0.1),
            HistogramBin(lowerWeeks: 22, upperWeeks: 24, count: 40, probability: 0.4),
            HistogramBin(lowerWeeks: 24, upperWeeks: 26, count: 30, probability: 0.3),
            HistogramBin(lowerWeeks: 26, upperWeeks: 28, count: 20, probability: 0.2),
        ]
        let chart = HistogramChart(bins: bins, frame: frame, markers: [("P50", 24), ("Target", 40)])
        #expect(chart.bars.map(\.x) == [10, 35, 60, 85])
        #expect(chart.bars.allSatisfy { $0.width == 25 })
        // The tallest bin fills the plot; the others in proportion, all standing on the bottom edge.
        #expect(chart.bars[1].y == 10 && chart.bars[1].height == 100)
        #expect(abs(chart.bars[0].height - 25) < 1e-9 && abs(chart.bars[3].height - 50) < 1e-9)
        #expect(chart.bars.allSatisfy { abs($0.y + $0.height - 110) < 1e-9 })
        #expect(chart.bars[1].caption == "22.0–24.0 weeks: 40.0%")
        // A marker outside the bins' range is dropped.
        #expect(chart.markers == [ChartMarker(x: 60, label: "P50")])
        #expect(chart.xTicks.map(\.label) == ["20", "22", "24", "26", "28"])
        #expect(chart.xTicks.first?.position == 10 && chart.xTicks.last?.position == 110)
        #expect(chart.yTicks.first == AxisTick(position: 110, label: "0%"))
        #expect(chart.yTicks.map(\.label) == ["0%", "10%", "20%", "30%", "40%"])
    }

    @Test func sCurveMapsWeeksAcrossAndProbabilityUp() {
        let points = [
            SCurvePoint(weeks: 30, workingDays: nil, date: nil, probability: 1),
            SCurvePoint(weeks: 20, workingDays: nil, date: nil, probability: 0),
            SCurvePoint(weeks: 25, workingDays: nil, date: nil, probability: 0.5),
        ]
        let chart = SCurveChart(points: points, frame: frame, markers: [("P80", 27.5)])
        // Sorted by weeks; probability 0 at the bottom edge, 1 at the top.
        #expect(chart.points.map(\.x) == [10, 60, 110])
        #expect(chart.points.map(\.y) == [110, 60, 10])
        #expect(chart.pointsAttribute == "10.0,110.0 60.0,60.0 110.0,10.0")
        #expect(chart.yTicks.map(\.label) == ["0%", "25%", "50%", "75%", "100%"])
        #expect(chart.yTicks.map(\.position) == [110, 85, 60, 35, 10])
        #expect(chart.markers == [ChartMarker(x: 85, label: "P80")])
    }

    @Test func emptyDataGivesAnEmptyChart() {
        let histogram = HistogramChart(bins: [], frame: frame)
        #expect(histogram.bars.isEmpty && histogram.xTicks.isEmpty && histogram.markers.isEmpty)
        let curve = SCurveChart(points: [], frame: frame)
        #expect(curve.points.isEmpty && curve.pointsAttribute.isEmpty)
    }

    @Test func niceTicksUseRoundSteps() {
        #expect(AxisTick.niceValues(in: 0...1, count: 4).map { ReportNumber.fixed($0, 2) } == ["0.00", "0.20", "0.40", "0.60", "0.80", "1.00"])
        #expect(AxisTick.niceValues(in: 21.3...33.9) == [22, 24, 26, 28, 30, 32])
        #expect(AxisTick.niceValues(in: 0...100) == [0, 20, 40, 60, 80, 100])
        #expect(AxisTick.niceValues(in: 5...5) == [5])
    }
}
