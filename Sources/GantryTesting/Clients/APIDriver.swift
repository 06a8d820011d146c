import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal JSON client of a running `gantry api` for tests that drive the cluster as a script would (the CLI's
/// own generated client is tested elsewhere): a bearer token, a status and a body, nothing decoded for it.
public struct APIDriver: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    public let base: String
    public let token: String

    public init(base: String, token: String) {
        self.base = base
        self.token = token
    }

    public func get(_ path: String) async throws -> Answer { try await send("GET", path, body: nil) }

    public func post(_ path: String, _ body: [String: Any]) async throws -> Answer {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: body))
    }

    private func send(_ method: String, _ path: String, body: Data?) async throws -> Answer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}
