import Foundation
import Testing
@testable import GantryDomain

/// CSV and JSON encoding of report models.
@Suite struct ReportCSVTests {
    @Test func fieldsWithSeparatorsQuotesOrLineBreaksAreQuotedAndQuotesDoubled() {
        #expect(ReportCSV.field("plain") == "plain")
        #expect(ReportCSV.field("a,b") == "\"a,b\"")
        #expect(ReportCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(ReportCSV.field("crlf\r\nend") == "\"crlf\r\nend\"")
        #expect(ReportCSV.field("") == "")
    }

    @Test func typedTextThatLooksLikeAFormulaIsDefused() {
        #expect(ReportCSV.text("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")")
        #expect(ReportCSV.text("+1") == "'+1" && ReportCSV.text("-2") == "'-2" && ReportCSV.text("@SUM") == "'@SUM")
        #expect(ReportCSV.text("Acme, Inc.") == "Acme, Inc.")
    }

    func report(name: String) -> ProjectStatusReport {
        let start = CalendarDay("2026-03-02")!
        return ProjectStatusReport(
            projectID: UUID(uuidString: "0190A5E2-0000-7000-8000-000000000001")!, name: name, clientName: "Acme, Inc.",
            status: "active", startDate: start, targetDate: start.adding(days: 200), generatedAt: "2026-03-10T09:00:00Z",
            phases: [
                ReportPhaseRow(
                    phase: .requirementsAnalysis, ordinal: 1, state: "done", plannedStart: start, plannedEnd: start.adding(days: 20),
                    actualStart: start, actualEnd: start.adding(days: 22), stepsDone: 3, stepsTotal: 3),
                ReportPhaseRow(
                    phase: .systemDesign, ordinal: 2, state: "active", plannedStart: start.adding(days: 21),
                    plannedEnd: start.adding(days: 55), actualStart: start.adding(days: 23), actualEnd: nil, stepsDone: 1,
                    stepsTotal: 4),
            ], forecast: nil, recentJobs: [], migrations: [])
    }

    @Test func projectCSVHasAHeaderAndOneCRLFLinePerPhase() {
        let csv = ReportCSV.encode(report(name: "CRM \"Phase 2\", EU"))
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(
            lines[0]
                == "project_id,project,client,phase,ordinal,state,planned_start,planned_end,actual_start,actual_end,"
                + "end_variance_days,steps_done,steps_total,percent_done,rag,p50_finish,p80_finish,target_date")
        #expect(
            lines[1]
                == "0190a5e2-0000-7000-8000-000000000001,\"CRM \"\"Phase 2\"\", EU\",\"Acme, Inc.\",requirements_analysis,1,done,"
                + "2026-03-02,2026-03-22,2026-03-02,2026-03-24,2,3,3,100,unknown,,,2026-09-18")
        #expect(lines[2].contains(",system_design,2,active,") && lines[2].contains(",,1,4,25,unknown,"))
    }

    @Test func portfolioCSVHasOneLinePerProject() {
        let portfolio = PortfolioReport(generatedAt: "2026-03-10T09:00:00Z", projects: [report(name: "=cmd"), report(name: "B")])
        let lines = ReportCSV.encode(portfolio).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(
            lines[0]
                == "project_id,project,client,status,start_date,target_date,steps_done,steps_total,percent_done,"
                + "p50_weeks,p80_weeks,p50_finish,p80_finish,probability_on_time,rag")
        #expect(lines[1].hasPrefix("0190a5e2-0000-7000-8000-000000000001,'=cmd,\"Acme, Inc.\",active,2026-03-02,2026-09-18,4,7,57,"))
    }

    @Test func jsonCarriesScopeVersionAndDerivedFiguresWithSortedKeys() throws {
        let bytes = try ReportJSON.encode(report(name: "CRM"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["scope"] as? String == "project" && object["version"] as? Int == 1)
        let body = try #require(object["report"] as? [String: Any])
        #expect(body["rag"] as? String == "unknown" && body["percent_done"] as? Int == 57)
        #expect(body["project_id"] as? String == "0190a5e2-0000-7000-8000-000000000001")
        #expect(body["forecast"] is NSNull)
        // Sorted keys make the bytes, and so the stored hash, the same on every render.
        #expect(try ReportJSON.encode(report(name: "CRM")) == bytes)
        let decoded = try JSONDecoder().decode(ProjectStatusReport.self, from: JSONSerialization.data(withJSONObject: body))
        #expect(decoded == report(name: "CRM"))
    }
}
