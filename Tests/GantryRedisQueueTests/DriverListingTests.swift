import GantryCore
import GantryRedisQueue
import Testing

/// Both drivers list a queue's jobs the same way: by state, kind and project, a page at a time.
@Suite("Driver listing")
struct DriverListingTests {
    @Test(arguments: DriverUnderTest.allCases)
    func jobsAreListedByStateKindAndProjectAPageAtATimeWithNoneTwice(_ kind: DriverUnderTest) async throws {
        try await withHarness(kind) { h in
            let listing = try #require(h.driver as? any JobListing)
            var all: Set<JobID> = []
            var projectP: Set<JobID> = []
            for i in 0..<7 {
                let id = try await h.enqueue(n: i) { $0.projectID = i % 2 == 0 ? "p" : "q" }
                all.insert(id)
                if i % 2 == 0 { projectP.insert(id) }
            }
            let delayed = try await h.enqueue(n: 99) { $0.delayMs = 600_000 }
            all.insert(delayed)
            let leased = try await h.driver.lease(queue: h.name, consumer: "w", max: 2, leaseMs: 60_000)
            #expect(leased.count == 2)

            var seen: [JobID] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await listing.listJobs(JobListQuery(queue: h.name, cursor: cursor, limit: 3))
                seen += page.jobs.map(\.envelope.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 20
            #expect(seen.count == all.count && Set(seen) == all)
            #expect(pages >= 3)

            let delayedOnly = try await listing.listJobs(JobListQuery(queue: h.name, state: .delayed))
            #expect(delayedOnly.jobs.map(\.envelope.id) == [delayed] && delayedOnly.jobs.first?.state == .delayed)
            let leasedOnly = try await listing.listJobs(JobListQuery(queue: h.name, state: .leased))
            #expect(Set(leasedOnly.jobs.map(\.envelope.id)) == Set(leased.map(\.id)))
            var inP: Set<JobID> = []
            cursor = nil
            repeat {
                let page = try await listing.listJobs(JobListQuery(queue: h.name, projectID: "p", cursor: cursor, limit: 100))
                inP.formUnion(page.jobs.map(\.envelope.id))
                cursor = page.nextCursor
            } while cursor != nil
            #expect(inP == projectP)
            #expect(try await listing.listJobs(JobListQuery(queue: h.name, kind: "gantry.noop")).jobs.isEmpty)
            await #expect(throws: GantryError.self) {
                _ = try await listing.listJobs(JobListQuery(queue: h.name, cursor: "not a cursor"))
            }
        }
    }
}
