import GantryRedis

/// The Lua scripts behind every job transition: each runs atomically inside Redis, so a crash
/// between two calls can never leave a job in two states or none.
///
/// Every script takes one key, the queue's prefix `gantry:{queue}:`, and derives the others from
/// it. All of them carry the same hash tag, so a script touches one cluster slot and Redis
/// Cluster routes it by that key. Times come from the server's `TIME`, so workers on hosts with
/// skewed clocks agree on deadlines.
enum QueueScripts {
    /// Shared Lua preamble: the server clock in milliseconds and the capped event stream.
    static let prelude = """
        local p = KEYS[1]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function event(kind, ids)
          if #ids > 0 then
            redis.call('XADD', p .. 'events', 'MAXLEN', '~', 10000, '*', 'kind', kind, 'at', now,
              'ids', table.concat(ids, ','))
          end
        end
        local function wake()
          redis.call('LPUSH', p .. 'wake', '1')
          redis.call('LTRIM', p .. 'wake', 0, 0)
        end
        local function push_many(cmd, key, list)
          for i = 1, #list, 1000 do
            redis.call(cmd, key, unpack(list, i, math.min(i + 999, #list)))
          end
        end

        """

    static func script(_ body: String) -> RedisScript { RedisScript(prelude + body) }
}
