import GantryRedis

extension QueueScripts {
    /// ARGV: n, then per job: id, priority, runAtMs, uniqueKey or "", uniqueForMs, body.
    /// Returns per job 1 (stored) or the ID of the job holding its unique key.
    static let enqueue = script("""
        local n = tonumber(ARGV[1])
        local out, ready, stored, bodies = {}, {}, {}, {}
        for i = 0, n - 1 do
          local b = 2 + i * 6
          local id, prio, run_at, ukey = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), ARGV[b + 3]
          local holder = nil
          if ukey ~= '' then
            if not redis.call('SET', p .. 'unique:' .. ukey, id, 'NX', 'PX', ARGV[b + 4]) then
              holder = redis.call('GET', p .. 'unique:' .. ukey)
            end
          end
          if holder then
            out[#out + 1] = holder
          else
            bodies[#bodies + 1] = p .. 'job:' .. id
            bodies[#bodies + 1] = ARGV[b + 5]
            if run_at > now then
              redis.call('ZADD', p .. 'delayed', run_at, id)
            else
              local l = ready[prio]
              if not l then l = {}; ready[prio] = l end
              l[#l + 1] = id
            end
            stored[#stored + 1] = id
            out[#out + 1] = 1
          end
        end
        for i = 1, #bodies, 1000 do
          redis.call('MSET', unpack(bodies, i, math.min(i + 999, #bodies)))
        end
        local any = false
        for prio, ids in pairs(ready) do
          many('RPUSH', p .. 'ready:' .. prio, ids)
          redis.call('ZADD', p .. 'prios', prio, prio)
          any = true
        end
        if any then wake() end
        event('enqueued', stored)
        return out
        """)
}
