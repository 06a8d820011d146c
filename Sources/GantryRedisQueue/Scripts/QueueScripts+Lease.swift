import GantryRedis

extension QueueScripts {
    /// ARGV: consumer, max, leaseMs. Pops from the highest non-empty priority first (the `prios`
    /// sorted set names them, so empty levels cost nothing). Returns
    /// {deadline, id1, attempt1, body1, id2, ...}. When work remains it passes the wake-up token on,
    /// so idle consumers join in a chain instead of polling.
    static let lease = script("""
        local consumer, max = ARGV[1], tonumber(ARGV[2])
        local deadline = now + tonumber(ARGV[3])
        local out = { deadline }
        local leased, zargs = {}, {}
        local remaining = max
        local levels = redis.call('ZREVRANGE', p .. 'prios', 0, -1)
        local more = false
        for _, prio in ipairs(levels) do
          local lkey = p .. 'ready:' .. prio
          if remaining > 0 then
            local ids = redis.call('LPOP', lkey, remaining)
            if ids then
              for _, id in ipairs(ids) do
                local k = p .. 'job:' .. id
                local body = redis.call('HGET', k, 'body')
                if body then
                  local attempt = redis.call('HINCRBY', k, 'attempt', 1)
                  redis.call('HSET', k, 'state', 'leased', 'owner', consumer, 'updated', now)
                  out[#out + 1] = id
                  out[#out + 1] = attempt
                  out[#out + 1] = body
                  leased[#leased + 1] = id
                  zargs[#zargs + 1] = deadline
                  zargs[#zargs + 1] = id
                  remaining = remaining - 1
                end
              end
            end
          end
          if redis.call('LLEN', lkey) == 0 then
            redis.call('ZREM', p .. 'prios', prio)
          else
            more = true
          end
        end
        push_many('ZADD', p .. 'leased', zargs)
        if more then wake() end
        event('leased', leased)
        return out
        """)

    /// ARGV: consumer, leaseMs, ids... Returns {extended ids..., '|', lost ids..., '|', cancel-requested ids...}.
    static let extend = script("""
        local consumer = ARGV[1]
        local deadline = now + tonumber(ARGV[2])
        local ext, lost, cancel = {}, {}, {}
        for i = 3, #ARGV do
          local id = ARGV[i]
          local f = redis.call('HMGET', p .. 'job:' .. id, 'state', 'owner', 'cancel')
          if f[1] == 'leased' and f[2] == consumer then
            redis.call('ZADD', p .. 'leased', 'XX', deadline, id)
            ext[#ext + 1] = id
            if f[3] == '1' then cancel[#cancel + 1] = id end
          else
            lost[#lost + 1] = id
          end
        end
        local out = ext
        out[#out + 1] = '|'
        for _, id in ipairs(lost) do out[#out + 1] = id end
        out[#out + 1] = '|'
        for _, id in ipairs(cancel) do out[#out + 1] = id end
        return out
        """)
}
