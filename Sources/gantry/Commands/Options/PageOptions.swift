import ArgumentParser

/// `--limit` and `--all` of the listings the API pages with a cursor.
struct PageOptions: ParsableArguments {
    @Option(help: "At most this many a page (1-1000; default 50 for jobs, 100 for projects).")
    var limit: Int?

    @Flag(help: "Every page, not only the first.")
    var all = false

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be 1-1000") }
    }

    /// The first page, or with `--all` every page, from `page(cursor, limit)`; the cursor of the next page when
    /// there is more.
    func collect<Item>(
        defaultLimit: Int, _ page: (_ cursor: String?, _ limit: Int) async throws -> (items: [Item], next: String?)
    ) async throws -> (items: [Item], next: String?) {
        var items: [Item] = []
        var cursor: String?
        repeat {
            let (more, next) = try await page(cursor, limit ?? defaultLimit)
            items += more
            cursor = next
        } while all && cursor != nil
        return (items, cursor)
    }
}
