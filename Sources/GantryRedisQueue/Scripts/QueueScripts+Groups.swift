import GantryRedis

/// Scripts for operators' view of groups and their limits (see `QueueScripts`, "Groups").
extension QueueScripts {
    /// ARGV: scope (a group, or `*` for every group), concurrency or "" (none), rate `<n>/<ms>` or
    /// "" (none). Every parked group gets its turn again, under the new limits (the next lease
    /// parks it again if it still must wait). Returns how many groups were unparked.
    static let setGroupLimit = script("""
        local scope, concurrency, rate = ARGV[1], ARGV[2], ARGV[3]
        if concurrency == '' then
          redis.call('HDEL', p .. 'glimits', 'c:' .. scope)
        else
          redis.call('HSET', p .. 'glimits', 'c:' .. scope, concurrency)
        end
        if rate == '' then
          redis.call('HDEL', p .. 'glimits', 'r:' .. scope)
        else
          redis.call('HSET', p .. 'glimits', 'r:' .. scope, rate)
        end
        local parked = redis.call('SMEMBERS', p .. 'gfull')
        for _, g in ipairs(redis.call('ZRANGE', p .. 'gwait', 0, -1)) do parked[#parked + 1] = g end
        redis.call('DEL', p .. 'gfull', p .. 'gwait')
        local any = false
        for _, g in ipairs(parked) do
          if unpark(g) then any = true end
        end
        if any then wake() end
        return #parked
        """)

    /// Read-only. ARGV: top. Returns {limits as field, value, ...}, then per group among the `top`
    /// with the most ready + running: group, ready, running, parked (0/1).
    static let groups = script("""
        local top = tonumber(ARGV[1])
        local work = {}
        local function add(g, n) work[g] = (work[g] or 0) + tonumber(n) end
        local depth = redis.call('HGETALL', p .. 'gdepth')
        for i = 1, #depth, 2 do add(depth[i], depth[i + 1]) end
        local running = redis.call('HGETALL', p .. 'grunning')
        for i = 1, #running, 2 do add(running[i], running[i + 1]) end
        local names = {}
        for g in pairs(work) do names[#names + 1] = g end
        table.sort(names, function(a, b)
          if work[a] ~= work[b] then return work[a] > work[b] end
          return a < b
        end)
        local out = { redis.call('HGETALL', p .. 'glimits') }
        for i = 1, math.min(top, #names) do
          local g = names[i]
          local parked = (redis.call('SISMEMBER', p .. 'gfull', g) == 1 or redis.call('ZSCORE', p .. 'gwait', g)) and 1 or 0
          out[#out + 1] = { g, tonumber(redis.call('HGET', p .. 'gdepth', g) or 0),
            tonumber(redis.call('HGET', p .. 'grunning', g) or 0), parked }
        end
        return out
        """)
}
