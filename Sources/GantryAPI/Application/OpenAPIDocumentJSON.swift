import Foundation
import GantryCore
import OpenAPIRuntime
import Yams

/// `openapi.yaml` (the same file the server and the CLI's client are generated from, compiled into
/// the binary) converted once to JSON for `GET /v1/openapi.json`, so the served document cannot
/// differ from the one the code was generated from.
struct OpenAPIDocumentJSON: Sendable {
    let container: OpenAPIObjectContainer

    static func load() throws -> OpenAPIDocumentJSON {
        let text = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
        guard let parsed = try Yams.load(yaml: text) as? [String: Any] else {
            throw APIError(500, "internal", "openapi.yaml is not a mapping")
        }
        return OpenAPIDocumentJSON(container: try OpenAPIObjectContainer(unvalidatedValue: parsed.mapValues(Self.sendable)))
    }

    private static func sendable(_ value: Any) -> (any Sendable)? {
        switch value {
        case let b as Bool: b
        case let i as Int: i
        case let d as Double: d
        case let s as String: s
        case let a as [Any]: a.map(sendable)
        case let o as [String: Any]: o.mapValues(sendable)
        default: value is NSNull ? nil : String(describing: value)
        }
    }
}
