import FoundationEssentials
import Glibc
import GantryCore
import GantryRedis

/// Live workers in Redis: each worker's entry is a key with a time to live, refreshed by its
/// heartbeat, so a worker killed with SIGKILL vanishes within the TTL; a sorted set indexes them.
public struct RedisWorkerRegistry: WorkerRegistry {
    public let pool: RedisConnectionPool
    public let keyPrefix: String

    public init(pool: RedisConnectionPool, keyPrefix: String = "gantry") {
        self.pool = pool
        self.keyPrefix = keyPrefix
    }

    var indexKey: RedisArgument { RedisArgument("\(keyPrefix):workers") }
    func key(_ id: String) -> RedisArgument { RedisArgument("\(keyPrefix):worker:\(id)") }

    public func announce(_ worker: WorkerInfo, ttlMs: Int64) async throws {
        var info = worker
        info.lastSeenMs = WallClock.nowMs()
        let body = try JSONEncoder().encode(info)
        let replies = try await pool.pipeline([
            ["SET", key(worker.id), RedisArgument(Array(body)), "PX", RedisArgument(ttlMs)],
            ["ZADD", indexKey, RedisArgument(info.lastSeenMs), RedisArgument(worker.id)],
        ])
        if let failure = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw GantryError(.storage, "worker registry update failed: \(failure)")
        }
    }

    public func withdraw(workerID: String) async throws {
        _ = try await pool.pipeline([["DEL", key(workerID)], ["ZREM", indexKey, RedisArgument(workerID)]])
    }

    public func liveWorkers() async throws -> [WorkerInfo] {
        let ids = try await pool.send(["ZRANGE", indexKey, "0", "-1"]).array?.compactMap(\.string) ?? []
        guard !ids.isEmpty else { return [] }
        let bodies = try await pool.pipeline(ids.map { ["GET", key($0)] })
        var live: [WorkerInfo] = []
        var gone: [RedisArgument] = []
        for (id, body) in zip(ids, bodies) {
            if let bytes = body.bytes, let info = try? JSONDecoder().decode(WorkerInfo.self, from: Data(bytes)) {
                live.append(info)
            } else {
                gone.append(RedisArgument(id))
            }
        }
        if !gone.isEmpty { _ = try await pool.send([RedisArgument("ZREM"), indexKey] + gone) }
        return live.sorted { ($0.host, $0.startedAtMs) < ($1.host, $1.startedAtMs) }
    }
}
