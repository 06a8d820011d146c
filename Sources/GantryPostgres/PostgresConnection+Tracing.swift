import Tracing

extension PostgresConnection {
    /// Runs a statement inside a client span (OpenTelemetry's database conventions) when the caller is
    /// inside a trace — a traced request or job — so its SQL shows under it. Outside a trace nothing is
    /// made: housekeeping and flushes would otherwise start a root trace per statement, and a process
    /// that does not trace never has a current context, so it pays one task-local read.
    func traced<T>(_ statement: @autoclosure () -> String, _ body: () async throws -> T) async throws -> T {
        guard let context = InstrumentationContext.current else { return try await body() }
        let sql = statement()
        return try await withSpan(Self.operationName(sql), context: context, ofKind: .client) { span in
            span.attributes["db.system.name"] = "postgresql"
            span.attributes["db.namespace"] = configuration.database
            span.attributes["db.query.text"] = Self.bounded(sql)
            span.attributes["server.address"] = configuration.host
            span.attributes["server.port"] = configuration.port
            return try await body()
        }
    }

    /// The statement's first keyword (`SELECT`, `INSERT`, `WITH`, `COPY`…): a span name of low cardinality.
    static func operationName(_ sql: String) -> String {
        let word = sql.drop(while: { $0.isWhitespace }).prefix(while: { $0.isLetter })
        return word.isEmpty ? "SQL" : word.uppercased()
    }

    /// Statements are bounded in a span: a bulk insert's text is not worth shipping whole per run.
    static let maxQueryCharacters = 2_000

    static func bounded(_ sql: String) -> String {
        sql.utf8.count <= maxQueryCharacters ? sql : String(sql.prefix(maxQueryCharacters)) + "…"
    }
}
