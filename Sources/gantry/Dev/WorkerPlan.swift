/// What `gantry dev` needs to start its children (`gantry api` and the `gantry worker`s): how many workers, which
/// binary, which queues, which servers, the API's port, and where each one's log and pid file go. Built once from the flags, so every restart of a worker
/// starts the same command.
struct WorkerPlan: Sendable {
    /// The seconds a worker gets to finish its running jobs after SIGTERM (its `--grace`). Short, because
    /// `gantry dev` as a whole must be down within about ten seconds of SIGTERM, and the servers stop after the
    /// workers.
    static let grace = 5
    /// How long after SIGTERM a worker is killed: its grace, plus time to hand its unfinished jobs back to Redis
    /// and close its connections.
    static let stopAllowance: Duration = .seconds(grace + 2)

    /// How many workers run at once; 0 runs none.
    let count: Int
    /// The worker's `--queues`, e.g. `critical=6,default=3,reports=1`.
    let queues: String
    /// The gantry binary itself (a worker is `gantry worker`).
    let executable: String
    let dataDirectory: String
    /// The servers `gantry dev` serves (its own or the configured ones), given to each worker in its environment.
    let redisURL: String
    let databaseURL: String

    /// The port `gantry api` listens on (loopback), chosen before the children start.
    let apiPort: Int

    /// Variables every child gets besides the servers' URLs (`--demo` lets webhooks reach its loopback receiver).
    var environment: [String: String] = [:]

    /// Worker numbers as printed and as used in file names: 1...count.
    var numbers: Range<Int> { 1..<(count + 1) }

    var arguments: [String] { ["worker", "--queues", queues, "--grace", String(Self.grace)] }

    func logFile(_ number: Int) -> String { dataDirectory + "/worker-\(number).log" }

    /// Holds the pid of worker `number` while it runs, so a later `gantry dev` can stop a worker that this one
    /// left behind when it was killed with SIGKILL (workers run in sessions of their own and outlive it).
    func pidFile(_ number: Int) -> String { dataDirectory + "/worker-\(number).pid" }

    /// The children to supervise: the API, the coordinator (it leads alone, so it does the queue's housekeeping
    /// and fires the schedules), then the workers.
    var children: [DevChild] { [.api, .coordinator] + numbers.map { .worker($0) } }

    func arguments(_ child: DevChild) -> [String] {
        switch child {
        case .api: ["api", "--host", "127.0.0.1", "--port", String(apiPort)]
        case .coordinator: ["coordinator"]
        case .worker: arguments
        }
    }

    func logFile(_ child: DevChild) -> String {
        switch child {
        case .api: dataDirectory + "/api.log"
        case .coordinator: dataDirectory + "/coordinator.log"
        case .worker(let n): logFile(n)
        }
    }

    func pidFile(_ child: DevChild) -> String {
        switch child {
        case .api: dataDirectory + "/api.pid"
        case .coordinator: dataDirectory + "/coordinator.pid"
        case .worker(let n): pidFile(n)
        }
    }

    /// `http://127.0.0.1:<port>`: what dev writes to `api-url` for the CLI.
    var apiURL: String { "http://127.0.0.1:\(apiPort)" }
}

/// A process `gantry dev` runs and restarts: the API, the coordinator or a worker.
enum DevChild: Sendable, Hashable, CustomStringConvertible {
    case api
    case coordinator
    case worker(Int)

    var description: String {
        switch self {
        case .api: "api"
        case .coordinator: "coordinator"
        case .worker(let n): "worker \(n)"
        }
    }
}
