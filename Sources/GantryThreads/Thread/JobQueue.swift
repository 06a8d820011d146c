/// The first-in, first-out list of work waiting for a connection's thread: a plain value, locked by
/// its owner (`Mailbox`).
///
/// Taking from the front moves an index instead of shifting the array, and the storage is compacted
/// only when it empties or when the taken half outgrows the rest, so a busy connection pays no
/// per-job copy.
public struct JobQueue<Job> {
    private var jobs: [Job] = []
    private var head = 0

    public init() {}

    public var isEmpty: Bool { head == jobs.count }
    public var count: Int { jobs.count - head }

    public mutating func append(_ job: Job) {
        jobs.append(job)
    }

    public mutating func popFirst() -> Job? {
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Removes and returns the first waiting job that `matches` (a cancelled call), if any.
    public mutating func remove(where matches: (Job) -> Bool) -> Job? {
        guard let index = jobs[head...].firstIndex(where: matches) else { return nil }
        return jobs.remove(at: index)
    }

    /// Empties the queue and returns what was waiting, in order.
    public mutating func removeAll() -> [Job] {
        defer {
            jobs = []
            head = 0
        }
        return Array(jobs[head...])
    }
}
