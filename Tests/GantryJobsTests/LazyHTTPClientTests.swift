import AsyncHTTPClient
import GantryJobs
import Synchronization
import Testing

@Suite struct LazyHTTPClientTests {
    @Test func clientIsMadeOnlyOnFirstUseAndThenReused() async throws {
        let made = Mutex(0)
        let lazy = LazyHTTPClient {
            made.withLock { $0 += 1 }
            return NotifySendHandler.makeHTTPClient()
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
        let lazy = LazyHTTPClient {
            made.withLock { $0 += 1 }
            return NotifySendHandler.makeHTTPClient()
        }
        try await lazy.shutdown()
        #expect(made.withLock { $0 } == 0)
    }
}
