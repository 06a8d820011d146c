import FoundationEssentials
import GantryCore
import Testing

/// The payload decoder reads the parsed tree directly; it must give what `JSONDecoder` gives from
/// the same text: the same values, and failures that name the same field.
@Suite("Decoding payloads from the parsed tree")
struct JSONValueDecoderTests {
    struct Phase: Codable, Equatable {
        var name: String
        var min: Double
        var likely: Int
        var tags: [String]?
    }

    struct Request: Codable, Equatable {
        var projectID: UUID
        var trials: Int
        var seed: UInt64?
        var ratio: Float
        var strict: Bool
        var phases: [Phase]
        var labels: [String: Int]
        var extra: JSONValue?
    }

    static let good = #"""
        {"projectID":"7C9E6679-7425-40DE-944B-E07FC1F90AE7","trials":10000,"seed":9223372036854775807,
         "ratio":0.5,"strict":true,"labels":{"a":1,"b":2},"extra":{"k":[1,"x",null]},
         "phases":[{"name":"design","min":2,"likely":3},{"name":"build","min":1.5,"likely":8,"tags":["x"]}]}
        """#

    /// A decoding failure as users read it: `JSONValue.describe`'s line.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func both<T: Decodable>(_ type: T.Type, _ text: String) -> (tree: Result<T, Failure>, foundation: Result<T, Failure>) {
        func run(_ body: () throws -> T) -> Result<T, Failure> {
            do { return .success(try body()) } catch { return .failure(Failure(description: JSONValue.describe(error))) }
        }
        let tree = run { try JSONValueDecoder().decode(type, from: try JSONValue.parse(Array(text.utf8))) }
        let foundation = run { try JSONDecoder().decode(type, from: Data(text.utf8)) }
        return (tree, foundation)
    }

    @Test
    func aWellFormedPayloadDecodesToWhatJSONDecoderGives() throws {
        let (tree, foundation) = Self.both(Request.self, Self.good)
        let decoded = try tree.get()
        #expect(decoded == (try foundation.get()))
        #expect(decoded.seed == UInt64(Int64.max) && decoded.phases[1].min == 1.5 && decoded.phases[1].tags == ["x"])
        #expect(decoded.extra == ["k": [1, "x", nil]])
        #expect(decoded.labels == ["a": 1, "b": 2])
    }

    @Test(arguments: [
        (#"{"name":"a","min":1,"likely":"3"}"#, "likely: Expected to decode Int but found string instead."),
        (#"{"name":"a","min":1}"#, "missing field likely"),
        // JSONDecoder names no field here ("$"); the tree decoder does.
        (#"{"name":"a","min":1,"likely":2.5}"#, "likely: Number 2.5 is not representable in Swift as Int."),
        (#"{"name":"a","min":1,"likely":2,"tags":["x",3]}"#, "tags.[1]: Expected to decode String but found number instead."),
        (#"{"name":null,"min":1,"likely":2}"#, nil),
        (#"[1,2]"#, nil),
    ] as [(String, String?)])
    func aMisshapenPayloadFailsNamingTheSameFieldAsJSONDecoder(_ text: String, _ expected: String?) {
        let (tree, foundation) = Self.both(Phase.self, text)
        guard case .failure(let mineFailure) = tree, case .failure(let theirsFailure) = foundation else {
            Issue.record("both must fail: \(tree) / \(foundation)")
            return
        }
        let mine = mineFailure.description, theirs = theirsFailure.description
        // The field path is what users read; it must agree whatever the wording after it (where
        // JSONDecoder names one at all).
        if !theirs.hasPrefix("$:") {
            #expect(mine.split(separator: ":").first == theirs.split(separator: ":").first, "\(mine) / \(theirs)")
        }
        if let expected { #expect(mine == expected) }
    }

    @Test
    func integersOutOfRangeAreRefusedNotWrapped() {
        struct Small: Decodable { var n: Int8 }
        let (tree, _) = Self.both(Small.self, #"{"n":300}"#)
        guard case .failure(let failure) = tree else {
            Issue.record("300 must not fit an Int8")
            return
        }
        #expect(failure.description.hasPrefix("n:"))
    }
}
