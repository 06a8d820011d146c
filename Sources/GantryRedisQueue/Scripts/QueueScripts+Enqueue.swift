import GantryRedis

extension QueueScripts {
    /// ARGV: n, then per job: id, priority, runAtMs, maxAttempts, uniqueKey or "", uniqueForMs, body.
    /// Returns per job 1 (stored) or the ID of the job holding its unique key.
    static let enqueue = script("""
        local n = tonumber(ARGV[1])
        local out, ready, stored = {}, {}, {}
        for i = 0, n - 1 do
          local b = 2 + i * 7
          local id, prio, run_at, ukey = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), ARGV[b + 4]
          local holder = nil
          if ukey ~= '' then
            if not redis.call('SET', p .. 'unique:' .. ukey, id, 'NX', 'PX', ARGV[b + 5]) then
              holder = redis.call('GET', p .. 'unique:' .. ukey)
            end
          end
          if holder then
            out[#out + 1] = holder
          else
            local delayed = run_at > now
            redis.call('HSET', p .. 'job:' .. id, 'body', ARGV[b + 6], 'prio', prio,
              'state', delayed and 'delayed' or 'ready', 'attempt', 0, 'max', ARGV[b + 3],
              'updated', now, 'ready_at', now)
            if delayed then
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
        local any = false
        for prio, ids in pairs(ready) do
          push_many('RPUSH', p .. 'ready:' .. prio, ids)
          redis.call('ZADD', p .. 'prios', prio, prio)
          any = true
        end
        if any then wake() end
        event('enqueued', stored)
        return out
        """)
}
