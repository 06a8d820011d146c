import Foundation
import GantryAPI
import GantryAPIServer
import GantryCore
import GantryJobs
import GantryPostgresStore
import GantryTesting
import Logging
import Testing

@Suite("API: notification endpoints", .enabled(if: TestServers.areAvailable))
struct APIEndpointTests {
    /// The harness's API with a `GANTRY_SECRET_KEY` of its own, as `gantry api` has with the variable set.
    static func withKey(_ h: APIHarness) throws -> (APIDependencies, SecretKeyRing) {
        let ring = try SecretKeyRing(current: SecretKeyRing.generateKeyText())
        let backends = APIBackends(redisPool: h.redisPool, driver: h.driver, pgPool: h.pgPool, secretKeys: ring)
        return (backends.dependencies(logger: Logger(label: "gantry.api")), ring)
    }

    @Test
    func aWebhookGetsAGeneratedSecretThatIsShownOnceAndSealedForTheWorkers() async throws {
        let h = try await APIHarness.make("api endpoint webhook")
        let project = try await h.project("Hooked", clientSize: .medium, start: "2026-03-02")
        let (dependencies, ring) = try Self.withKey(h)
        let pool = h.pgPool
        try await h.run(dependencies) { api in
            let created = try await api.call(
                .post, "/v1/projects/\(project.id)/endpoints", token: h.submit,
                json: #"{"channel":"webhook","url":"https://hooks.example.com/gantry","name":"PMO bridge"}"#)
            #expect(created.status == 201, "\(created.text)")
            let secret = try #require(created.object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            #expect(created.object["target"] as? String == "https://hooks.example.com/gantry")
            #expect(created.object["enabled"] as? Bool == true)
            let id = try #require(created.object["id"] as? String)

            // The workers open the same secret with the same key; the column holds it sealed only.
            let endpointID = try #require(UUID(uuidString: id))
            let stored = try #require(try await NotificationEndpointRepository(pool: pool, sealer: ring).endpoint(endpointID))
            #expect(stored.secret?.text == secret)
            let column = try await pool.query("SELECT secret_sealed, secret FROM notification_endpoints WHERE id = \(stored.id)")
            let sealed = try #require(try column.first?.decode(0, as: String?.self))
            #expect(sealed.hasPrefix("gs1:\(ring.currentKeyID):") && !sealed.contains(secret))
            #expect(try column.first?.decode(1, as: String?.self) == nil)

            // Listed (with a read token), never with its secret.
            let listed = try await api.call(.get, "/v1/projects/\(project.id)/endpoints", token: h.read)
            #expect(listed.status == 200)
            let endpoints = try #require(listed.object["endpoints"] as? [[String: Any]])
            #expect(endpoints.count == 1)
            #expect(endpoints.first?["id"] as? String == id)
            #expect(endpoints.first?["name"] as? String == "PMO bridge")
            #expect(endpoints.first?["secret"] == nil)
            #expect(!listed.text.contains(secret) && !listed.text.contains("whsec_"))
        }
    }

    @Test
    func aWebhookSecretGivenByTheClientIsKeptAndABadOneIsRefused() async throws {
        let h = try await APIHarness.make("api endpoint given secret")
        let project = try await h.project("Given", clientSize: .small, start: "2026-03-02")
        let (dependencies, _) = try Self.withKey(h)
        let given = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
        try await h.run(dependencies) { api in
            let created = try await api.call(
                .post, "/v1/projects/\(project.id)/endpoints", token: h.admin,
                json: #"{"channel":"webhook","url":"http://10.1.2.3:8080/in","secret":"\#(given)"}"#)
            #expect(created.status == 201, "admin may add endpoints too: \(created.text)")
            #expect(created.object["secret"] as? String == given)

            let short = try await api.call(
                .post, "/v1/projects/\(project.id)/endpoints", token: h.submit,
                json: #"{"channel":"webhook","url":"https://a.example.com/","secret":"whsec_AAAA"}"#)
            #expect(short.status == 400)
            #expect(short.errorField == "secret")
        }
    }

    @Test
    func anEmailEndpointIsAddedListedAndRemoved() async throws {
        let h = try await APIHarness.make("api endpoint email")
        let project = try await h.project("Mailed", clientSize: .small, start: "2026-03-02")
        // E-mail needs no key: the harness's API has none.
        try await h.run { api in
            let created = try await api.call(
                .post, "/v1/projects/\(project.id)/endpoints", token: h.submit,
                json: #"{"channel":"email","email":"PMO@Client.example.com","rate_per_second":2,"burst":3}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.object["email"] as? String == "pmo@client.example.com")
            #expect(created.object["secret"] == nil)
            #expect(created.object["rate_per_second"] as? Double == 2)
            #expect(created.object["burst"] as? Int == 3)
            let id = try #require(created.object["id"] as? String)

            let other = try await h.project("Other", clientSize: .small, start: "2026-03-02")
            let wrongProject = try await api.call(.delete, "/v1/projects/\(other.id)/endpoints/\(id)", token: h.submit)
            #expect(wrongProject.status == 404, "an endpoint is removed through its own project only")
            #expect(try await api.call(.delete, "/v1/projects/\(project.id)/endpoints/\(id)", token: h.read).status == 403)

            let removed = try await api.call(.delete, "/v1/projects/\(project.id)/endpoints/\(id)", token: h.submit)
            #expect(removed.status == 204, "\(removed.text)")
            let listed = try await api.call(.get, "/v1/projects/\(project.id)/endpoints", token: h.read)
            #expect((listed.object["endpoints"] as? [Any])?.isEmpty == true)
            let again = try await api.call(.delete, "/v1/projects/\(project.id)/endpoints/\(id)", token: h.submit)
            #expect(again.status == 404)
            #expect(again.errorCode == "not_found")
        }
    }

    @Test(arguments: [
        (#"{"channel":"webhook","url":"ftp://files.example.com/x"}"#, "url"),
        (#"{"channel":"webhook","url":"not a url"}"#, "url"),
        (#"{"channel":"webhook","url":"/relative/path"}"#, "url"),
        (#"{"channel":"webhook","url":"https://user:pw@hooks.example.com/"}"#, "url"),
        (#"{"channel":"webhook"}"#, "url"),
        (#"{"channel":"webhook","url":"https://hooks.example.com/","email":"a@b.example"}"#, "email"),
        (#"{"channel":"email","email":"nobody"}"#, "email"),
        (#"{"channel":"email","email":"two@at@example.com"}"#, "email"),
        (#"{"channel":"email"}"#, "email"),
        (#"{"channel":"email","email":"a@b.example","url":"https://x.example/"}"#, "url"),
        (#"{"channel":"email","email":"a@b.example","burst":0}"#, "burst"),
        (#"{"channel":"email","email":"a@b.example","rate_per_second":0}"#, "rate_per_second"),
        (#"{"channel":"email","email":"a@b.example","name":"  "}"#, "name"),
    ])
    func aBadEndpointIsRefusedWith400NamingTheField(body: String, field: String) async throws {
        let h = try await APIHarness.make("api endpoint bad")
        let project = try await h.project("Strict", clientSize: .small, start: "2026-03-02")
        let (dependencies, _) = try Self.withKey(h)
        let pool = h.pgPool
        try await h.run(dependencies) { api in
            let answer = try await api.call(.post, "/v1/projects/\(project.id)/endpoints", token: h.submit, json: body)
            #expect(answer.status == 400, "\(body): \(answer.text)")
            #expect(answer.errorField == field, "\(body): \(answer.text)")
            let count = try await pool.query("SELECT count(*) FROM notification_endpoints").first?.decode(0, as: Int.self)
            #expect(count == 0)
        }
    }

    @Test
    func unknownProjectsAndMissingKeysAreToldApart() async throws {
        let h = try await APIHarness.make("api endpoint refusals")
        let project = try await h.project("Keyless", clientSize: .small, start: "2026-03-02")
        try await h.run { api in
            let unknown = UUID().uuidString.lowercased()
            let missing = try await api.call(
                .post, "/v1/projects/\(unknown)/endpoints", token: h.submit, json: #"{"channel":"email","email":"a@b.example"}"#)
            #expect(missing.status == 404)
            #expect(try await api.call(.get, "/v1/projects/\(unknown)/endpoints", token: h.read).status == 404)
            #expect(try await api.call(.get, "/v1/projects/not-a-uuid/endpoints", token: h.read).status == 400)
            #expect(
                try await api.call(
                    .post, "/v1/projects/\(project.id)/endpoints", token: h.read, json: #"{"channel":"email","email":"a@b.example"}"#
                ).status == 403)

            // Without GANTRY_SECRET_KEY a webhook cannot be sealed: 503 naming the variable, nothing stored.
            let keyless = try await api.call(
                .post, "/v1/projects/\(project.id)/endpoints", token: h.submit,
                json: #"{"channel":"webhook","url":"https://hooks.example.com/"}"#)
            #expect(keyless.status == 503)
            #expect(keyless.errorCode == "not_configured")
            #expect((keyless.error["message"] as? String)?.contains("GANTRY_SECRET_KEY") == true)
            let listed = try await api.call(.get, "/v1/projects/\(project.id)/endpoints", token: h.read)
            #expect((listed.object["endpoints"] as? [Any])?.isEmpty == true)
        }
    }
}
