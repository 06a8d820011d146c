import Mustache

/// The HTML report's Mustache templates, kept in the source so that the worker binary needs no
/// resource files, and compiled once.
///
/// Every value is printed with `{{…}}`, which the engine HTML-escapes; there is no `{{{…}}}` in these
/// templates, so nothing a person typed (a project's name, a job's error) can inject markup. The page
/// links nothing: styles are inline, charts are inline SVG (no `xmlns`, which HTML does not need), so
/// a report opened from a mail or a disk years later looks the same.
enum ReportTemplates {
    static let projectPage = "project_page"
    static let portfolioPage = "portfolio_page"

    /// The compiled library; the templates are constants, so a parse error is a programming error
    /// caught by the first test that renders.
    static let library: MustacheLibrary = {
        do {
            return MustacheLibrary(templates: [
                "styles": try MustacheTemplate(string: styles),
                "chart": try MustacheTemplate(string: chart),
                "project_section": try MustacheTemplate(string: projectSection),
                projectPage: try MustacheTemplate(string: projectPageText),
                portfolioPage: try MustacheTemplate(string: portfolioPageText),
            ])
        } catch {
            preconditionFailure("a report template does not parse: \(error)")
        }
    }()

    static let styles = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:24px auto;max-width:1000px;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:20px 0 6px}
        table{border-collapse:collapse;width:100%;margin:6px 0 12px}
        th,td{border-bottom:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f5f5f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .meta{color:#616161;margin:0 0 12px}
        .rag{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
        .rag-amber{color:#212121}
        .figures{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}
        .figure{border:1px solid #e0e0e0;border-radius:6px;padding:8px 12px;min-width:120px}
        .figure b{display:block;font-size:18px}
        svg{display:block;max-width:100%;height:auto;margin:8px 0}
        svg text{font-size:11px;fill:#424242}
        .axis{stroke:#9e9e9e;stroke-width:1}
        .bar{fill:#90caf9;stroke:#1e88e5;stroke-width:.5}
        .curve{fill:none;stroke:#1e88e5;stroke-width:2}
        .marker{stroke:#c62828;stroke-width:1;stroke-dasharray:4 3}
        .grid{stroke:#eeeeee;stroke-width:1}
        section.project{border-top:2px solid #bdbdbd;margin-top:32px;padding-top:8px}
        .empty{color:#757575;font-style:italic}
        """

    /// One SVG chart: grid lines and y ticks, x ticks, bars (histogram) or a polyline (S-curve), markers.
    static let chart = """
        <svg class="chart chart-{{kind}}" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" role="img" aria-label="{{title}}">
        <title>{{title}}</title>
        {{#yTicks}}<line class="grid" x1="{{plotLeft}}" y1="{{position}}" x2="{{plotRight}}" y2="{{position}}"/><text x="{{yLabelX}}" y="{{position}}" text-anchor="end" dominant-baseline="middle">{{label}}</text>
        {{/yTicks}}
        {{#bars}}<rect class="bar" x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{caption}}</title></rect>
        {{/bars}}
        {{#polyline}}<polyline class="curve" points="{{.}}"/>
        {{/polyline}}
        <line class="axis" x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}"/>
        <line class="axis" x1="{{plotLeft}}" y1="{{plotTop}}" x2="{{plotLeft}}" y2="{{plotBottom}}"/>
        {{#xTicks}}<line class="axis" x1="{{position}}" y1="{{plotBottom}}" x2="{{position}}" y2="{{xTickEnd}}"/><text x="{{position}}" y="{{xLabelY}}" text-anchor="middle">{{label}}</text>
        {{/xTicks}}
        {{#markers}}<line class="marker" x1="{{x}}" y1="{{plotTop}}" x2="{{x}}" y2="{{plotBottom}}"/><text x="{{labelX}}" y="{{labelY}}" dominant-baseline="hanging">{{label}}</text>
        {{/markers}}
        </svg>
        """

    /// A project's status: header, phase table, forecast with charts, risks, jobs, migrations.
    static let projectSection = """
        <section class="project" id="{{anchor}}">
        <h2>{{name}} <span class="rag rag-{{rag}}" style="background:{{ragColour}}">{{ragTitle}}</span></h2>
        <p class="meta">Client {{client}} · status {{status}} · started {{startDate}} · target {{targetDate}} · {{steps}} steps done ({{percent}})</p>
        <h3>Phases</h3>
        <table class="phases">
        <thead><tr><th>Phase</th><th>State</th><th>Planned start</th><th>Planned end</th><th>Actual start</th><th>Actual end</th><th>End variance</th><th>Steps done</th><th>%</th></tr></thead>
        <tbody>
        {{#phases}}<tr class="phase"><td>{{title}}</td><td>{{state}}</td><td>{{plannedStart}}</td><td>{{plannedEnd}}</td><td>{{actualStart}}</td><td>{{actualEnd}}</td><td class="num">{{variance}}</td><td class="num">{{steps}}</td><td class="num">{{percent}}</td></tr>
        {{/phases}}
        </tbody>
        </table>
        <h3>Forecast</h3>
        {{#forecast}}
        <div class="figures">
        <div class="figure">P50 finish<b>{{p50Finish}}</b>{{p50Weeks}} weeks</div>
        <div class="figure">P80 finish<b>{{p80Finish}}</b>{{p80Weeks}} weeks</div>
        <div class="figure">P90 finish<b>{{p90Finish}}</b>{{p90Weeks}} weeks</div>
        <div class="figure">Target<b>{{target}}</b>on time: {{probability}}</div>
        </div>
        <p class="meta">Latest {{kind}} of {{trials}} trials ({{assumptions}}). Green: P80 finish on or before the target; amber: only P50 is; red: P50 is after it.</p>
        {{#warnings}}<p class="warning">{{.}}</p>
        {{/warnings}}
        {{#histogram}}{{>chart}}{{/histogram}}
        {{#sCurve}}{{>chart}}{{/sCurve}}
        {{/forecast}}
        {{^forecast}}<p class="empty">No estimate yet: run estimate.simulate for this project.</p>
        {{/forecast}}
        {{#hasTrend}}<h3>P80 trend</h3>
        <table class="trend"><thead><tr><th>Forecast on</th><th>Kind</th><th>P80 finish</th><th>Slip</th><th>On time</th></tr></thead><tbody>
        {{/hasTrend}}
        {{#trend}}<tr><td>{{day}}</td><td>{{kind}}</td><td>{{p80Finish}}</td><td class="num">{{slip}}</td><td class="num">{{probability}}</td></tr>
        {{/trend}}
        {{#hasTrend}}</tbody></table>
        {{/hasTrend}}
        <h3>Risk events</h3>
        {{#hasRisks}}<table class="risks"><thead><tr><th>Risk</th><th>Phase</th><th>Probability</th><th>Impact</th></tr></thead><tbody>
        {{/hasRisks}}
        {{#risks}}<tr><td>{{name}}</td><td>{{phase}}</td><td class="num">{{probability}}</td><td class="num">{{impact}}</td></tr>
        {{/risks}}
        {{#hasRisks}}</tbody></table>
        {{/hasRisks}}
        {{^risks}}<p class="empty">No risk events in the latest estimate.</p>
        {{/risks}}
        <h3>Recent jobs</h3>
        {{#hasJobs}}<table class="jobs"><thead><tr><th>Finished</th><th>Kind</th><th>Outcome</th><th>Attempt</th><th>Duration</th><th>Job</th><th>Error</th></tr></thead><tbody>
        {{/hasJobs}}
        {{#jobs}}<tr><td>{{finishedAt}}</td><td>{{kind}}</td><td>{{outcome}}</td><td class="num">{{attempt}}</td><td class="num">{{duration}}</td><td>{{jobID}}</td><td>{{error}}</td></tr>
        {{/jobs}}
        {{#hasJobs}}</tbody></table>
        {{/hasJobs}}
        {{^jobs}}<p class="empty">No jobs recorded for this project.</p>
        {{/jobs}}
        <h3>Migration reconciliation</h3>
        {{#hasMigrations}}<table class="migrations"><thead><tr><th>Entity</th><th>File</th><th>Status</th><th>Source rows</th><th>Created</th><th>Updated</th><th>Unchanged</th><th>Rejected</th><th>Missing</th><th>Batches</th></tr></thead><tbody>
        {{/hasMigrations}}
        {{#migrations}}<tr class="import import-{{status}}"><td>{{entity}}</td><td>{{sourceName}}</td><td>{{status}}</td><td class="num">{{sourceRows}}</td><td class="num">{{created}}</td><td class="num">{{updated}}</td><td class="num">{{unchanged}}</td><td class="num">{{rejected}}</td><td class="num">{{missing}}</td><td class="num">{{batches}}</td></tr>
        {{/migrations}}
        {{#hasMigrations}}</tbody></table>
        {{/hasMigrations}}
        {{^migrations}}<p class="empty">No data imports for this project.</p>
        {{/migrations}}
        </section>
        """

    static let projectPageText = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="gantry report.build">
        <title>{{name}} — project status</title>
        <style>
        {{>styles}}
        </style>
        </head>
        <body>
        <h1>Project status: {{name}}</h1>
        <p class="meta">Generated {{generatedAt}} · project {{projectID}}</p>
        {{>project_section}}
        </body>
        </html>

        """

    static let portfolioPageText = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="gantry report.build">
        <title>Portfolio status</title>
        <style>
        {{>styles}}
        </style>
        </head>
        <body>
        <h1>Portfolio status</h1>
        <p class="meta">Generated {{generatedAt}} · {{projectCount}} open projects</p>
        <div class="figures">
        {{#counts}}<div class="figure">{{title}}<b style="color:{{colour}}">{{count}}</b></div>
        {{/counts}}
        </div>
        <table class="portfolio">
        <thead><tr><th>Project</th><th>Client</th><th>Status</th><th>Steps done</th><th>P50 finish</th><th>P80 finish</th><th>Target</th><th>On time</th><th>RAG</th></tr></thead>
        <tbody>
        {{#projects}}<tr class="project-row"><td><a href="#{{anchor}}">{{name}}</a></td><td>{{client}}</td><td>{{status}}</td><td class="num">{{percent}}</td><td>{{#forecast}}{{p50Finish}}{{/forecast}}{{^forecast}}—{{/forecast}}</td><td>{{#forecast}}{{p80Finish}}{{/forecast}}{{^forecast}}—{{/forecast}}</td><td>{{targetDate}}</td><td class="num">{{#forecast}}{{probability}}{{/forecast}}{{^forecast}}—{{/forecast}}</td><td><span class="rag rag-{{rag}}" style="background:{{ragColour}}">{{ragTitle}}</span></td></tr>
        {{/projects}}
        {{^projects}}<tr><td colspan="9" class="empty">No open projects.</td></tr>
        {{/projects}}
        </tbody>
        </table>
        {{#projects}}{{>project_section}}{{/projects}}
        </body>
        </html>

        """
}
