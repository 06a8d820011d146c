/// A `gantry bench` report as one self-contained HTML page: inline CSS and inline SVG bar charts, no script and
/// nothing fetched from anywhere, so it can be mailed, archived or opened offline and looks the same.
struct BenchReportPage {
    let report: BenchReport

    init(_ report: BenchReport) { self.report = report }

    /// One bar: a figure's median, its spread drawn as a whisker.
    struct Bar {
        var label: String
        var figure: BenchFigure
    }

    /// A chart of figures that share a unit.
    struct Chart {
        var title: String
        var note: String
        var bars: [Bar]
    }

    var charts: [Chart] {
        func bar(_ suite: String, _ key: String, _ label: String) -> Bar? {
            report.figures.first { $0.suite == suite && $0.key == key }.map { Bar(label: label, figure: $0) }
        }
        func all(_ suite: String, _ unit: BenchFigure.Unit) -> [Bar] {
            report.figures.filter { $0.suite == suite && $0.unit == unit }.map { Bar(label: $0.key, figure: $0) }
        }
        let charts = [
            Chart(
                title: "Lease+ack against the Redis ceiling", note: "jobs/s, same Redis, same run",
                bars: [
                    bar("ceiling", "lpush_rpop_per_s", "ceiling: LPUSH+RPOP, pipelined"),
                    bar("ceiling", "minimal_lease_ack_per_s", "ceiling: minimal lease+ack scripts"),
                    bar("queue", "lease_ack_per_s_c1", "gantry lease+ack, 1 consumer"),
                    bar("queue", "lease_ack_per_s_c8", "gantry lease+ack, 8 consumers"),
                    bar("queue", "lease_ack_per_s_c64", "gantry lease+ack, 64 consumers"),
                    bar("queue", "lease_ack_per_s_c8_grouped", "gantry lease+ack, 8 consumers, jobs in 1,000 groups"),
                    bar("queue", "enqueue_bulk_per_s", "gantry bulk enqueue"),
                ].compactMap { $0 }),
            Chart(
                title: "Redis time per job", note: "µs of Redis per job (INFO commandstats, INFO cpu)",
                bars: [
                    bar("ceiling", "minimal_redis_us_per_job", "ceiling: minimal lease+ack"),
                    bar("queue", "redis_us_per_job", "gantry lease+ack"),
                    bar("queue", "redis_us_per_job_lease", "gantry lease"),
                    bar("queue", "redis_us_per_job_ack", "gantry ack"),
                    bar("queue", "redis_us_per_job_enqueue", "gantry bulk enqueue"),
                    bar("queue", "redis_cpu_us_per_job", "Redis CPU per job, 8 consumers"),
                ].compactMap { $0 }),
            Chart(title: "Workers, end to end", note: "jobs/s through real worker processes", bars: all("workers", .jobsPerSecond)),
            Chart(
                title: "Import against the COPYs", note: "rows/s",
                bars: [
                    bar("import", "rows_per_s", "gantry import (migration.batch)"),
                    bar("import", "constrained_copy_rows_per_s", "COPY into the same constrained tables"),
                    bar("import", "raw_copy_rows_per_s", "COPY into unindexed tables"),
                ].compactMap { $0 }),
            Chart(title: "Producer API", note: "jobs/s (healthz: requests/s)", bars: all("api", .jobsPerSecond) + all("api", .requestsPerSecond)),
            Chart(title: "Monte Carlo estimate", note: "trials/s", bars: all("estimate", .trialsPerSecond)),
            Chart(title: "At scale", note: "jobs/s with a deep backlog", bars: all("scale", .jobsPerSecond)),
        ]
        return charts.filter { !$0.bars.isEmpty }
    }

    var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>gantry bench</title>
            <style>
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 2em auto; max-width: 980px; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 1.6em 0 .3em; }
            .machine { color: #4a5263; } .note { color: #6b7385; font-size: .9em; margin: 0 0 .4em; }
            table { border-collapse: collapse; width: 100%; } th, td { padding: 3px 10px; border-bottom: 1px solid #e3e6ec; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f3f5f8; }
            .failed { color: #b3261e; } svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
            </style></head><body>
            <h1>gantry bench</h1>

            """
        page += "<p class=\"machine\">\(escape(report.machine.summary)). Each figure is the median of \(report.runs) "
            + "run\(report.runs == 1 ? "" : "s"); the whiskers and the spread column show the lowest and the highest.</p>\n"
        for failure in report.failures {
            page += "<p class=\"failed\">The \(escape(failure.suite)) suite failed: \(escape(failure.reason))</p>\n"
        }
        if let c8 = report.median("queue", "lease_ack_per_s_c8"), let ceiling = report.median("ceiling", "minimal_lease_ack_per_s"), ceiling > 0 {
            page += "<p>Lease+ack with 8 consumers reaches <b>\(Text.format("%.2f", c8 / ceiling))</b> of the minimal scripts' "
                + "rate on the same Redis.</p>\n"
        }
        for chart in charts { page += svg(chart) }
        page += "<h2>All figures</h2>\n<table><tr><th>suite</th><th>figure</th><th>median</th><th>spread</th><th>unit</th></tr>\n"
        for figure in report.figures {
            page += "<tr><td>\(escape(figure.suite))</td><td>\(escape(figure.key))</td><td class=\"n\">\(figure.formattedMedian)</td>"
                + "<td class=\"n\">\(figure.formattedSpread)</td><td>\(escape(figure.unit.rawValue))</td></tr>\n"
        }
        return page + "</table>\n</body></html>\n"
    }

    /// Horizontal bars, one per figure, scaled to the chart's largest max; the whisker spans min to max.
    private func svg(_ chart: Chart) -> String {
        let labelWidth = 290.0, barWidth = 470.0, row = 28.0, top = 6.0
        let height = top + row * Double(chart.bars.count) + 6
        let largest = chart.bars.map(\.figure.max).max() ?? 1
        let scale = largest > 0 ? barWidth / largest : 0
        var svg = "<h2>\(escape(chart.title))</h2>\n<p class=\"note\">\(escape(chart.note))</p>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(chart.title))\">\n"
        let colours = ["#3b6fd4", "#2a9d8f", "#e9a23b", "#8f5bd6", "#d45b7a", "#5b8c3a"]
        for (n, bar) in chart.bars.enumerated() {
            let y = top + row * Double(n)
            let f = bar.figure
            let colour = bar.label.hasPrefix("ceiling") || bar.label.hasPrefix("COPY") ? "#9aa3b5" : colours[n % colours.count]
            svg += "<text x=\"\(Int(labelWidth - 8))\" y=\"\(fmt(y + 17))\" text-anchor=\"end\">\(escape(bar.label))</text>\n"
            svg += "<rect x=\"\(Int(labelWidth))\" y=\"\(fmt(y + 4))\" width=\"\(fmt(max(1, f.median * scale)))\" height=\"18\" fill=\"\(colour)\" rx=\"2\"/>\n"
            if f.max > f.min {
                let (x0, x1, mid) = (labelWidth + f.min * scale, labelWidth + f.max * scale, y + 13)
                svg += "<path d=\"M\(fmt(x0)) \(fmt(mid))H\(fmt(x1))M\(fmt(x0)) \(fmt(mid - 5))V\(fmt(mid + 5))M\(fmt(x1)) \(fmt(mid - 5))V\(fmt(mid + 5))\" "
                    + "stroke=\"#1d2330\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            }
            let end = labelWidth + max(f.median, f.max) * scale + 8
            svg += "<text x=\"\(fmt(end))\" y=\"\(fmt(y + 17))\">\(f.formattedMedian) \(escape(f.unit.rawValue))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func fmt(_ value: Double) -> String { Text.format("%.1f", value) }

    private func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
