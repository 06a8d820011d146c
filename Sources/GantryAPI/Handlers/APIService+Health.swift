import FoundationEssentials
import GantryCore
import OpenAPIRuntime

extension APIService {
    func getHealthz(_ input: Operations.getHealthz.Input) async throws -> Operations.getHealthz.Output {
        .ok(.init(body: .plainText("ok\n")))
    }

    func getReadyz(_ input: Operations.getReadyz.Input) async throws -> Operations.getReadyz.Output {
        var answers: [String: String] = ["redis": "ok", "postgres": "ok"]
        var ready = true
        await withTaskGroup(of: (String, String?).self) { group in
            for probe in dependencies.readiness {
                group.addTask {
                    do {
                        try await probe.check()
                        return (probe.name, nil)
                    } catch {
                        return (probe.name, "unreachable")
                    }
                }
            }
            for await (name, failure) in group {
                if let failure {
                    answers[name] = failure
                    ready = false
                }
            }
        }
        let body = Components.Schemas.Readiness(redis: answers["redis"] ?? "ok", postgres: answers["postgres"] ?? "ok")
        return ready ? .ok(.init(body: .json(body))) : .serviceUnavailable(.init(body: .json(body)))
    }

    func getMetrics(_ input: Operations.getMetrics.Input) async throws -> Operations.getMetrics.Output {
        // A queue that cannot be read leaves its gauges as they were: a scrape must still answer.
        if let names = try? await queueNames() { await metrics.refreshQueueGauges(from: driver, queues: names) }
        return .ok(.init(body: .plainText(HTTPBody(metrics.render()))))
    }

    func getOpenAPIDocument(_ input: Operations.getOpenAPIDocument.Input) async throws
        -> Operations.getOpenAPIDocument.Output
    {
        .ok(.init(body: .json(.init(additionalProperties: openAPIDocument.container))))
    }
}
