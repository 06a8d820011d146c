import Foundation
import GantryCore
import GantryDomain
import GantryJobs
import GantryPostgres
import GantryPostgresStore
import GantryTesting
import Testing

/// `report.build` on a real PostgreSQL: each test migrates its own database, builds reports through
/// the handler, and opens what was stored.
@Suite("report.build", .migratedDatabase)
struct ReportBuildHandlerTests {
    @Test
    func projectReportIsStoredAsHTMLCSVAndJSONAndItsHTMLOpensSelfContained() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let projects = ProjectRepository(pool: pool)
        for step in ["research", "consolidation", "review"] {
            try await projects.markStep(
                step, in: .requirementsAnalysis, of: project.id, as: .done, actualStart: projectStart,
                actualEnd: projectStart.adding(days: 25))
        }
        try await projects.markPhase(
            .requirementsAnalysis, of: project.id, as: .done, actualStart: projectStart, actualEnd: projectStart.adding(days: 25))
        try await projects.markStep(
            "architecture", in: .systemDesign, of: project.id, as: .done, actualStart: projectStart.adding(days: 28),
            actualEnd: projectStart.adding(days: 35))
        try await projects.markPhase(.systemDesign, of: project.id, as: .active, actualStart: projectStart.adding(days: 28))
        let estimate = try await ReportFixture.estimate(
            project.id, pool: pool,
            ["risks": [["name": "Legacy <export> late & partial", "probability": 0.3, "impact_weeks": 2, "phase": "deployment_and_training"]]])
        // One import of the project whose reconciliation did not balance.
        try await ReportFixture.insertUnbalancedImport(of: project.id, pool: pool)

        let job = ReportFixture.projectJob(project.id)
        let summary = try #require(try await ReportFixture.run(job, pool: pool))

        // Read off the estimate (seed 11, 5,000 trials, as of 2026-04-07): P50 finish 2026-09-17 is on or
        // before the target 2026-09-18, P80 finish 2026-09-29 after it, so the documented rule says amber.
        #expect(estimate.p80Finish == CalendarDay(year: 2026, month: 9, day: 29))
        #expect(summary["rag"] == "amber")
        #expect(summary["scope"] == "project" && summary["project_id"] == .string(project.id.uuidString.lowercased()))
        guard case .array(let entries)? = summary["reports"] else {
            Issue.record("no reports in \(summary)")
            return
        }
        #expect(entries.map { $0["format"] } == ["html", "csv", "json"])

        let repository = ReportRepository(pool: pool)
        let stored = try #require(try await repository.latest(projectID: project.id, format: .html))
        #expect(stored.jobID == job.id.uuid && stored.scope == .project && stored.contentType == "text/html; charset=utf-8")
        // The content hash is the SHA-256 of exactly the stored bytes.
        #expect(stored.sha256 == ReportFixture.sha256Hex(stored.content))
        #expect(entries.first?["sha256"] == .string(stored.sha256))
        #expect(entries.first?["id"] == .string(stored.id.uuidString.lowercased()))

        // Open the page.
        let html = try #require(String(bytes: stored.content, encoding: .utf8))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>CRM rollout — project status</title>"))
        #expect(html.contains("Generated 2026-11-25T18:47:20Z"))
        ReportFixture.expectSelfContained(html)

        // The phase table: five rows in order, planned against actual, steps done.
        #expect(ReportFixture.count("<tr class=\"phase\">", in: html) == 5)
        let titles = ["Requirements analysis", "System design", "Development &amp; testing", "Deployment &amp; training", "Maintenance &amp; support"]
        let offsets = titles.compactMap { html.range(of: "<tr class=\"phase\"><td>\($0)</td>")?.lowerBound }
        #expect(offsets.count == 5 && offsets == offsets.sorted())
        // Planned for a large client with high complexity: 3 weeks × 1.15 × 1.17 = 28 days, so done 2 days early.
        #expect(html.contains("<tr class=\"phase\"><td>Requirements analysis</td><td>done</td><td>2026-03-02</td><td>2026-03-29</td><td>2026-03-02</td><td>2026-03-27</td><td class=\"num\">-2 d</td><td class=\"num\">3/3</td><td class=\"num\">100%</td></tr>"))
        #expect(html.contains("<td>System design</td><td>active</td>") && html.contains("<td class=\"num\">1/4</td><td class=\"num\">25%</td>"))
        #expect(html.contains("<td>ongoing</td>"))
        #expect(html.contains("4 of 17 steps done (23%)"))

        // The forecast and its RAG badge.
        #expect(html.contains("<span class=\"rag rag-amber\" style=\"background:#f9a825\">Amber</span>"))
        #expect(html.contains("P80 finish<b>2026-09-29</b>"))
        #expect(html.contains("Target<b>2026-09-18</b>"))

        // Two inline SVG charts: a bar per histogram bin, and the S-curve's polyline.
        #expect(ReportFixture.count("<svg ", in: html) == 2 && ReportFixture.count("</svg>", in: html) == 2)
        #expect(html.contains("<svg class=\"chart chart-histogram\"") && html.contains("<svg class=\"chart chart-s-curve\""))
        // The engine's histogram has 40 bins and its S-curve 50 points.
        #expect(ReportFixture.count("<rect class=\"bar\"", in: html) == 40)
        let points = try #require(html.components(separatedBy: "<polyline class=\"curve\" points=\"").dropFirst().first?.prefix { $0 != "\"" })
        #expect(points.split(separator: " ").count == 50)
        #expect(html.contains(">P50</text>") && html.contains(">P80</text>"))

        // Risk events, escaped by the template engine.
        #expect(html.contains("<td>Legacy &lt;export&gt; late &amp; partial</td><td>Deployment &amp; training</td><td class=\"num\">30%</td><td class=\"num\">2.0 wk</td>"))
        #expect(!html.contains("<export>"))
        // Recent jobs: the estimate that fed the report.
        #expect(html.contains("<td>estimate.simulate</td><td>succeeded</td>") && html.contains(estimate.jobID.uuidString.lowercased()))
        // Migration reconciliation: 120 source rows, 117 accounted for, 3 missing.
        #expect(html.contains("<tr class=\"import import-unbalanced\"><td>contacts</td><td>contacts-2026.csv</td><td>unbalanced</td><td class=\"num\">120</td><td class=\"num\">100</td><td class=\"num\">10</td><td class=\"num\">2</td><td class=\"num\">5</td><td class=\"num\">3</td><td class=\"num\">3/3</td></tr>"))

        // CSV: a header and a line per phase.
        let csvRecord = try #require(try await repository.latest(projectID: project.id, format: .csv))
        #expect(csvRecord.sha256 == ReportFixture.sha256Hex(csvRecord.content) && csvRecord.contentType == "text/csv; charset=utf-8")
        let lines = try #require(String(bytes: csvRecord.content, encoding: .utf8)).components(separatedBy: "\r\n")
        #expect(lines.count == 7 && lines[0].hasPrefix("project_id,project,client,phase,"))
        #expect(lines[1].hasPrefix("\(project.id.uuidString.lowercased()),CRM rollout,Acme,requirements_analysis,1,done,"))
        #expect(lines[1].contains(",amber,"))

        // JSON: the same model, for programs.
        let jsonRecord = try #require(try await repository.latest(projectID: project.id, format: .json))
        #expect(jsonRecord.sha256 == ReportFixture.sha256Hex(jsonRecord.content) && jsonRecord.contentType == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(jsonRecord.content)) as? [String: Any])
        let body = try #require(json["report"] as? [String: Any])
        #expect(json["scope"] as? String == "project" && body["rag"] as? String == "amber")
        #expect((body["phases"] as? [Any])?.count == 5 && (body["migrations"] as? [Any])?.count == 1)
        let forecast = try #require(body["forecast"] as? [String: Any])
        #expect((forecast["risks"] as? [Any])?.count == 1 && (forecast["histogram"] as? [Any])?.count == 40)

        // The job's result is the summary, kept by the ledger with the reports.
        let kept = try await pool.query("SELECT result FROM job_results WHERE job_id = \(job.id.uuid)")
        #expect(try JSONValue.parse(try #require(kept.first).decode(0, as: PostgresJSON.self).bytes) == summary)
        await pool.close()
    }

    @Test
    func portfolioReportCoversTheOpenProjectsAndNoOthers() async throws {
        let pool = try await migratedDatabase()
        let alpha = try await ReportFixture.project("Alpha CRM", status: .active, pool: pool)
        let beta = try await ReportFixture.project("Beta <Migration>", status: .active, pool: pool, target: nil)
        _ = try await ReportFixture.project("Gamma finished", status: .done, pool: pool)
        _ = try await ReportFixture.project("Delta cancelled", status: .cancelled, pool: pool)
        _ = try await ReportFixture.estimate(alpha.id, pool: pool)
        _ = try await ReportFixture.estimate(beta.id, pool: pool)

        let job = ReportFixture.job(["scope": "portfolio"])
        let summary = try #require(try await ReportFixture.run(job, pool: pool))
        #expect(summary["scope"] == "portfolio" && summary["project_id"] == .null)
        guard case .object(let counts)? = summary["rag_counts"] else {
            Issue.record("no rag_counts in \(summary)")
            return
        }
        #expect(counts.values.reduce(0) { $0 + ReportFixture.integer($1) } == 2)
        // Beta has no target date: its status is unknown, whatever its forecast.
        #expect(ReportFixture.integer(counts["unknown"]) >= 1)

        let repository = ReportRepository(pool: pool)
        let stored = try #require(try await repository.latest(projectID: nil, format: .html))
        #expect(stored.projectID == nil && stored.scope == .portfolio && stored.jobID == job.id.uuid)
        #expect(stored.sha256 == ReportFixture.sha256Hex(stored.content))
        let html = try #require(String(bytes: stored.content, encoding: .utf8))
        ReportFixture.expectSelfContained(html)
        #expect(html.contains("2 open projects"))
        #expect(ReportFixture.count("<tr class=\"project-row\">", in: html) == 2)
        #expect(ReportFixture.count("<section class=\"project\"", in: html) == 2)
        #expect(html.contains("Alpha CRM") && html.contains("Beta &lt;Migration&gt;") && !html.contains("<Migration>"))
        #expect(!html.contains("Gamma finished") && !html.contains("Delta cancelled"))
        #expect(html.contains("<a href=\"#project-\(alpha.id.uuidString.lowercased())\">Alpha CRM</a>"))
        #expect(html.contains("id=\"project-\(beta.id.uuidString.lowercased())\""))
        // Each project's charts and phase table.
        #expect(ReportFixture.count("<svg ", in: html) == 4)
        #expect(ReportFixture.count("<tr class=\"phase\">", in: html) == 10)
        #expect(html.contains("<span class=\"rag rag-unknown\""))

        let csv = try #require(try await repository.latest(projectID: nil, format: .csv))
        let lines = try #require(String(bytes: csv.content, encoding: .utf8)).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3 && lines[0].hasPrefix("project_id,project,client,status,"))
        #expect(Set(lines.dropFirst().map { String($0.prefix(36)) }) == [alpha.id.uuidString.lowercased(), beta.id.uuidString.lowercased()])
        let json = try #require(try await repository.latest(projectID: nil, format: .json))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.content)) as? [String: Any])
        #expect(((object["report"] as? [String: Any])?["projects"] as? [Any])?.count == 2)
        // A project's latest report is not confused with the portfolio's.
        #expect(try await repository.latest(projectID: alpha.id, format: .html) == nil)
        await pool.close()
    }

    @Test
    func sameJobRunTwiceStoresOneReportPerFormatAndAnswersWithTheFirstResult() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        var job = ReportFixture.projectJob(project.id, ["formats": ["json", "html"]])
        let first = try await ReportFixture.run(job, pool: pool)
        // The worker died after the commit and before the ack: the job runs again.
        job.attempt = 2
        let second = try await ReportFixture.run(job, pool: pool)
        #expect(first != nil && first == second)
        let stored = try await ReportRepository(pool: pool).reports(producedBy: job.id.uuid)
        #expect(stored.map(\.format) == [.html, .json])
        #expect(try await ReportFixture.reportCount(pool) == 2)

        // Without a forecast the report still renders, grey, and says why.
        let htmlRecord = try #require(stored.first)
        let html = try #require(String(bytes: htmlRecord.content, encoding: .utf8))
        #expect(html.contains("rag-unknown") && html.contains("No estimate yet") && !html.contains("<svg"))

        // Two workers running one job at the same moment (a lease lost mid-run) also store one set.
        let racing = ReportFixture.projectJob(project.id, ["formats": ["csv"]])
        async let a = ReportFixture.run(racing, pool: pool)
        async let b = ReportFixture.run(racing, pool: pool)
        let (ra, rb) = try await (a, b)
        #expect(ra != nil && ra == rb)
        #expect(try await ReportFixture.reportCount(pool) == 3)
        await pool.close()
    }

    @Test
    func badPayloadIsAPermanentErrorNamingTheField() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let id = JSONValue.string(project.id.uuidString.lowercased())
        let cases: [(payload: [String: JSONValue], expected: String)] = [
            ([:], "project_id: is required"),
            (["scope": "portfolio", "project_id": id], "project_id: must be absent"),
            (["project_id": id, "formats": ["pdf"]], "formats[0]: 'pdf' is not one of"),
            (["project_id": id, "formats": []], "formats: needs at least 1"),
            (["project_id": id, "colour": "red"], "colour: is not a known field"),
            (["project_id": "not-a-uuid-but-thirty-six-characters"], "project_id: is not a UUID"),
            (["project_id": .string(UUID().uuidString.lowercased())], "project_id: no project"),
        ]
        for (payload, expected) in cases {
            let message = await permanentMessage { _ = try await ReportFixture.run(ReportFixture.job(payload), pool: pool) }
            #expect(message?.contains(expected) == true, "\(payload) → \(message ?? "no permanent error")")
        }
        #expect(try await ReportFixture.reportCount(pool) == 0)
        // The kind's schema refuses the same payloads before they enter a queue.
        #expect(throws: GantryError.self) { try ReportBuildKind.schema.validate(["formats": ["pdf"]]) }
        #expect(ReportBuildKind.descriptor.defaultQueue == "reports")
        await pool.close()
    }

    @Test
    func tableRefusesAHashThatIsNotTheContentsAndASecondCopyForOneJob() async throws {
        let pool = try await migratedDatabase()
        let project = try await createProject(in: pool)
        let repository = ReportRepository(pool: pool)
        let content = Array("<!DOCTYPE html><p>hi</p>".utf8)
        let jobID = UUID()
        func report(sha256: String) -> NewReport {
            NewReport(
                projectID: project.id, scope: .project, format: .html, content: content, contentType: ReportFormat.html.contentType,
                sha256: sha256, jobID: jobID)
        }
        await #expect(throws: PostgresError.self) { try await repository.insert(report(sha256: String(repeating: "0", count: 64))) }
        let stored = try await repository.insert(report(sha256: ReportFixture.sha256Hex(content)))
        #expect(stored.content == content)
        await #expect(throws: PostgresError.self) { try await repository.insert(report(sha256: ReportFixture.sha256Hex(content))) }
        #expect(try await repository.report(stored.id) == stored)
        await pool.close()
    }
}
