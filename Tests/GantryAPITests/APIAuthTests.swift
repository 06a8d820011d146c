import Foundation
import GantryAPI
import GantryTesting
import Testing

@Suite("API: tokens, scopes and rate limits", .enabled(if: TestServers.areAvailable))
struct APIAuthTests {
    @Test
    func healthAndMetricsNeedNoTokenButEveryOtherRouteDoes() async throws {
        try await APIHarness.serve("api auth open") { h, api in
            #expect(try await api.call(.get, "/healthz").status == 200)
            #expect(try await api.call(.get, "/readyz").status == 200)
            #expect(try await api.call(.get, "/metrics").status == 200)
            let none = try await api.call(.get, "/v1/queues")
            #expect(none.status == 401)
            #expect(none.errorCode == "unauthorized")
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await api.call(.get, "/v1/openapi.json").status == 401)
        }
    }

    @Test
    func unknownMalformedAndRevokedTokensAre401() async throws {
        let h = try await APIHarness.make("api auth bad")
        let victim = try await h.tokens.create(name: "victim", scopes: [.read])
        try await h.run { api in
            #expect(try await api.call(.get, "/v1/queues", token: "gty_not-a-token").status == 401)
            #expect(try await api.call(.get, "/v1/queues", headers: [.authorization: "Basic YTpi"]).status == 401)
            #expect(try await api.call(.get, "/v1/queues", token: victim.secret.value).status == 200)
            let revoked = try await api.call(.delete, "/v1/tokens/\(victim.record.id.uuidString)", token: h.admin)
            #expect(revoked.status == 204)
            // Revoked through this API: its cache forgets the token at once.
            #expect(try await api.call(.get, "/v1/queues", token: victim.secret.value).status == 401)
        }
    }

    @Test
    func aTokenWithoutTheOperationsScopeIs403() async throws {
        try await APIHarness.serve("api auth scope") { h, api in
            let submit = try await api.call(.post, "/v1/jobs", token: h.read, json: #"{"kind":"gantry.noop","payload":{}}"#)
            #expect(submit.status == 403)
            #expect(submit.errorCode == "forbidden")
            #expect(try await api.call(.get, "/v1/queues", token: h.submit).status == 403)
            #expect(try await api.call(.get, "/v1/tokens", token: h.all).status == 200)
            #expect(try await api.call(.get, "/v1/tokens", token: h.read).status == 403)
            #expect(try await api.call(.delete, "/v1/queues/default/dead", token: h.submit).status == 403)
        }
    }

    @Test
    func overTheRateLimitIs429WithRetryAfter() async throws {
        var harness = try await APIHarness.make("api rate")
        // One token per 100 s: however slowly a loaded machine sends these, the third finds the bucket empty.
        harness.configuration.rateLimit = RateLimit(perSecond: 0.01, burst: 2)
        let h = harness
        try await h.run { api in
            #expect(try await api.call(.get, "/v1/kinds", token: h.read).status == 200)
            #expect(try await api.call(.get, "/v1/kinds", token: h.read).status == 200)
            let limited = try await api.call(.get, "/v1/kinds", token: h.read)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another token has its own bucket.
            #expect(try await api.call(.get, "/v1/kinds", token: h.all).status == 200)
        }
    }

    @Test
    func tokensAreCreatedListedAndRevokedByAnAdmin() async throws {
        try await APIHarness.serve("api tokens") { h, api in
            let created = try await api.call(.post, "/v1/tokens", token: h.admin, json: #"{"name":"ci","scopes":["submit","read"]}"#)
            #expect(created.status == 201)
            let secret = try #require(created.object["token"] as? String)
            #expect(secret.hasPrefix("gty_"))
            #expect(try await api.call(.get, "/v1/kinds", token: secret).status == 200)
            let list = try await api.call(.get, "/v1/tokens", token: h.admin)
            let names = (list.object["tokens"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.contains("ci"))
            #expect(!list.text.contains(secret))
            let badScope = try await api.call(.post, "/v1/tokens", token: h.admin, json: #"{"name":"x","scopes":["root"]}"#)
            #expect(badScope.status == 422)
            #expect(badScope.errorField == "scopes[0]")
            #expect(try await api.call(.delete, "/v1/tokens/gty_nope", token: h.admin).status == 404)
        }
    }
}
