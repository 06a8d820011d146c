import FoundationEssentials
import Glibc

/// The handlers a worker runs, by kind. A job whose kind has no handler here goes to the dead
/// letter with that reason: it is never dropped.
public struct HandlerRegistry: Sendable {
    typealias Run = @Sendable (JSONValue, JobContext) async throws -> JSONValue?
    private var handlers: [String: Run] = [:]

    public init() {}

    /// Every worker runs the drill kinds `gantry.noop` and `gantry.sleep`.
    public static var builtIn: HandlerRegistry {
        var registry = HandlerRegistry()
        registry.register(NoopHandler())
        registry.register(SleepHandler())
        return registry
    }

    public mutating func register<H: JobHandler>(_ handler: H) {
        handlers[handler.kind] = { payload, context in
            let decoded: H.Payload
            do {
                // Straight from the parsed payload: it is not turned back into bytes to parse again.
                decoded = try JSONValueDecoder().decode(H.Payload.self, from: payload)
            } catch {
                // Retrying cannot fix a payload of the wrong shape.
                throw JobError.permanent("payload does not match \(handler.kind): \(JSONValue.describe(error))")
            }
            return try await handler.handle(decoded, context: context)
        }
    }

    public var kinds: [String] { handlers.keys.sorted() }

    /// The type-erased runner for `kind`, or nil: the worker dead-letters jobs of unknown kinds.
    public func handler(for kind: String) -> (@Sendable (JSONValue, JobContext) async throws -> JSONValue?)? { handlers[kind] }
}

extension JSONValue {
    /// A decoding error in one line, with the coding path.
    public static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing field \((path(c).isEmpty ? "" : path(c) + ".") + key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c).isEmpty ? "$" : path(c)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// `gantry.noop`: does nothing; measures the queue and the worker themselves.
public struct NoopHandler: JobHandler {
    public struct Payload: Decodable, Sendable {
        /// Return a small result, so benchmarks can measure the cost of a result row.
        public var result: Bool?
    }
    public let kind = BuiltInKinds.noop.name
    public init() {}
    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        payload.result == true ? ["ok": true] : nil
    }
}

/// `gantry.sleep`: sleeps `ms` milliseconds; exercises timeouts, heartbeats and drains.
public struct SleepHandler: JobHandler {
    public struct Payload: Decodable, Sendable {
        public var ms: Int
    }
    public let kind = BuiltInKinds.sleep.name
    public init() {}
    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        try await Task.sleep(for: .milliseconds(payload.ms))
        return nil
    }
}
