import AsyncHTTPClient
import GantryDelivery
import Synchronization
import Testing

@Suite struct LazyHTTPClientTests {
    @Test func clientIsMadeOnlyOnFirstUseAndThenReused() async throws {
        let made = Mutex(0)
        let lazy = LazyHTTPClient { overrides in
            made.withLock { $0 += 1 }
            return LazyHTTPClient.makeWebhookClient(dnsOverride: overrides)
        }
        #expect(made.withLock { $0 } == 0)
        let first = lazy.client
        let second = lazy.client
        #expect(first === second)
        #expect(made.withLock { $0 } == 1)
        try await lazy.shutdown()
    }

    @Test func shutdownOfAnUnusedClientMakesNone() async throws {
        let made = Mutex(0)
        let lazy = LazyHTTPClient { overrides in
            made.withLock { $0 += 1 }
            return LazyHTTPClient.makeWebhookClient(dnsOverride: overrides)
        }
        try await lazy.shutdown()
        #expect(made.withLock { $0 } == 0)
    }

    @Test func eachPinnedHostAndAddressGetsItsOwnClientWithThatOverride() async throws {
        let overrides = Mutex<[[String: String]]>([])
        let lazy = LazyHTTPClient { override in
            overrides.withLock { $0.append(override) }
            return LazyHTTPClient.makeWebhookClient(dnsOverride: override)
        }
        let address = try #require(IPAddress("93.184.215.14"))
        let first = lazy.client(pinning: "hooks.example", to: address)
        let again = lazy.client(pinning: "hooks.example", to: address)
        let moved = lazy.client(pinning: "hooks.example", to: try #require(IPAddress("2606:2800:21f:cb07:6820:80da:af6b:8b2c")))
        #expect(first.client === again.client && first.client !== moved.client)
        #expect(
            overrides.withLock { $0 } == [
                ["hooks.example": "93.184.215.14"], ["hooks.example": "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            ])
        try await lazy.shutdown()
    }
}
