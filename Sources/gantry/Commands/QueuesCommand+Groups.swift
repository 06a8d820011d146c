import GantryAPIClient

/// `gantry queues --groups`: each queue's busiest groups, to see which producer fills a queue and
/// which groups wait at their limits.
extension QueuesCommand {
    func showGroups(_ client: APIClient, top: Int) async throws {
        let names = try await Self.fetch(client).map(\.queue)
        var answers: [Components.Schemas.QueueGroups] = []
        for name in names {
            answers.append(try await Self.fetchGroups(client, queue: name, top: top))
        }
        if json {
            try JSONOutput.print(answers)
            return
        }
        let table = Self.groupsTable(answers)
        Text.writeStandardOutput(table.isEmpty ? "no groups in any queue\n" : table.rendered())
    }

    static func fetchGroups(_ client: APIClient, queue: String, top: Int) async throws(CLIError) -> Components.Schemas.QueueGroups {
        try await client.call { try await $0.listQueueGroups(path: .init(queue: queue), query: .init(top: top)).ok.body.json }
    }

    /// One row per group, queues by name and each queue's groups busiest first; a parked group in the
    /// warning colour.
    static func groupsTable(_ answers: [Components.Schemas.QueueGroups]) -> Table {
        var table = Table([
            .init("QUEUE"), .init("GROUP"), .init("READY", right: true), .init("RUNNING", right: true),
            .init("CONCURRENCY", right: true), .init("RATE"), .init("PARKED"),
        ])
        for answer in answers {
            for g in answer.groups {
                table.append(
                    [
                        answer.queue, g.group, HumanUnits.count(g.ready), HumanUnits.count(g.running),
                        g.concurrency.map(String.init) ?? "-", g.rate ?? "-", g.parked ? "parked" : "-",
                    ],
                    paint: g.parked ? { Paint.warn($0) } : nil)
            }
        }
        return table
    }

    /// The limits set on a queue: the one on every group first, then each group's own.
    static func limitsTable(_ limits: [Components.Schemas.GroupLimit]) -> Table {
        Table(
            [.init("GROUP"), .init("CONCURRENCY", right: true), .init("RATE")], rows: limits,
            cells: { [$0.group ?? "(every group)", $0.concurrency.map(String.init) ?? "-", $0.rate ?? "-"] })
    }
}
