import GantryRedis

extension QueueScripts {
    /// ARGV: consumer, max, leaseMs. Pops from the highest non-empty priority first (the `prios`
    /// sorted set names them, so empty levels cost nothing). Returns
    /// {deadline, id1, attempt1, body1, id2, ...}. When work remains it passes the wake-up token
    /// on, so idle consumers join in a chain instead of polling.
    static let lease = script("""
        local consumer, remaining = ARGV[1], tonumber(ARGV[2])
        local deadline = now + tonumber(ARGV[3])
        local ids, more = {}, false
        for _, prio in ipairs(redis.call('ZREVRANGE', p .. 'prios', 0, -1)) do
          local lkey = p .. 'ready:' .. prio
          if remaining > 0 then
            local popped = redis.call('LPOP', lkey, remaining)
            if popped then
              for _, id in ipairs(popped) do ids[#ids + 1] = id end
              remaining = remaining - #popped
            end
          end
          if redis.call('LLEN', lkey) == 0 then
            redis.call('ZREM', p .. 'prios', prio)
          else
            more = true
          end
        end
        local out = { deadline }
        if #ids == 0 then return out end
        local ks = keys_of('job:', ids)
        local bodies = {}
        for i = 1, #ks, 1000 do
          local part = redis.call('MGET', unpack(ks, i, math.min(i + 999, #ks)))
          for j = 1, #part do bodies[#bodies + 1] = part[j] end
        end
        local prior = hmget(p .. 'attempts', ids)
        local leased, zargs, hargs = {}, {}, {}
        for i, id in ipairs(ids) do
          -- A record that vanished (purged while waiting) has nothing left to run.
          if bodies[i] then
            out[#out + 1] = id
            out[#out + 1] = (tonumber(prior[i]) or 0) + 1
            out[#out + 1] = bodies[i]
            leased[#leased + 1] = id
            zargs[#zargs + 1] = deadline
            zargs[#zargs + 1] = id
            hargs[#hargs + 1] = id
            hargs[#hargs + 1] = consumer
          end
        end
        many('ZADD', p .. 'leased', zargs, 2000)
        many('HSET', p .. 'owners', hargs, 2000)
        many('HDEL', p .. 'readyat', leased)
        if more then wake() end
        event('leased', leased)
        return out
        """)

    /// ARGV: consumer, leaseMs, ids... Returns {extended ids..., '|', lost ids..., '|', cancel-requested ids...}.
    static let extend = script("""
        local consumer = ARGV[1]
        local deadline = now + tonumber(ARGV[2])
        local ids = {}
        for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
        local owners = hmget(p .. 'owners', ids)
        local ext, lost, cancel, zargs = {}, {}, {}, {}
        for i, id in ipairs(ids) do
          if owners[i] == consumer then
            ext[#ext + 1] = id
            zargs[#zargs + 1] = deadline
            zargs[#zargs + 1] = id
          else
            lost[#lost + 1] = id
          end
        end
        for i = 1, #zargs, 2000 do
          redis.call('ZADD', p .. 'leased', 'XX', unpack(zargs, i, math.min(i + 1999, #zargs)))
        end
        for i = 1, #ext, 1000 do
          local flags = redis.call('SMISMEMBER', p .. 'cancels', unpack(ext, i, math.min(i + 999, #ext)))
          for j = 1, #flags do
            if flags[j] == 1 then cancel[#cancel + 1] = ext[i + j - 1] end
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
