import GantryRedis

extension QueueScripts {
    /// ARGV: token, max, leaseMs. Every job leased here is held by `token` (made by the client
    /// for this call, so it is never reused, even by a Redis that lost its last writes). Pops from
    /// the highest non-empty priority first (the `prios` sorted set names them, so empty levels
    /// cost nothing). Returns {deadline, {id1, id2, ...}, {attempts used before, per id} or {}}.
    /// When work remains it passes the wake-up token on, so idle consumers join in a chain
    /// instead of polling.
    ///
    /// The bodies are not returned: the client reads them with one `MGET` after this call. A body
    /// crossing into Lua and back out costs Redis about four copies; read directly, one. The
    /// lease holds the jobs meanwhile, so nothing else can run them. The per-job hashes that are
    /// empty in steady state (`attempts`, `readyat`) are touched only when they exist.
    static let lease = script("""
        local token, remaining = ARGV[1], tonumber(ARGV[2])
        local deadline = now + tonumber(ARGV[3])
        local ids, more = nil, false
        for _, prio in ipairs(redis.call('ZREVRANGE', p .. 'prios', 0, -1)) do
          local lkey = p .. 'ready:' .. prio
          if remaining > 0 then
            local popped = redis.call('LPOP', lkey, remaining)
            if popped then
              if ids == nil then
                ids = popped
              else
                for _, id in ipairs(popped) do ids[#ids + 1] = id end
              end
              remaining = remaining - #popped
            end
          end
          if redis.call('LLEN', lkey) == 0 then
            redis.call('ZREM', p .. 'prios', prio)
          else
            more = true
          end
        end
        if ids == nil then return { deadline } end
        local zargs, hargs = {}, {}
        for i = 1, #ids do
          local id = ids[i]
          zargs[2 * i - 1] = deadline
          zargs[2 * i] = id
          hargs[2 * i - 1] = id
          hargs[2 * i] = token
        end
        many('ZADD', p .. 'leased', zargs, 2000)
        many('HSET', p .. 'owners', hargs, 2000)
        local prior = {}
        if redis.call('EXISTS', p .. 'attempts') == 1 then prior = hmget(p .. 'attempts', ids) end
        if redis.call('EXISTS', p .. 'readyat') == 1 then many('HDEL', p .. 'readyat', ids) end
        if more then wake() end
        event('leased', ids)
        return { deadline, ids, prior }
        """)

    /// ARGV: leaseMs, then per job: id, token. Extends only leases still held by their token.
    /// Returns per lease, in order: 0 lost, 1 extended, 2 extended and its cancellation asked for
    /// (per lease, not per ID: a worker may hold a lapsed lease and the new one of the same job).
    static let extend = script("""
        local deadline = now + tonumber(ARGV[1])
        local ids, tokens, owners = leases_from(2)
        local out, ext, zargs = {}, {}, {}
        for i, id in ipairs(ids) do
          if owners[i] == tokens[i] then
            out[i] = 1
            ext[#ext + 1] = i
            zargs[#zargs + 1] = deadline
            zargs[#zargs + 1] = id
          else
            out[i] = 0
          end
        end
        for i = 1, #zargs, 2000 do
          redis.call('ZADD', p .. 'leased', 'XX', unpack(zargs, i, math.min(i + 1999, #zargs)))
        end
        for i = 1, #ext, 1000 do
          local part = {}
          for j = i, math.min(i + 999, #ext) do part[#part + 1] = ids[ext[j]] end
          local flags = redis.call('SMISMEMBER', p .. 'cancels', unpack(part))
          for j = 1, #flags do
            if flags[j] == 1 then out[ext[i + j - 1]] = 2 end
          end
        end
        return out
        """)

    /// ARGV: id, token, percent, message. Only the run whose lease is still held reports progress
    /// (a run whose lease lapsed cannot overwrite the live run's), and only for a job that still
    /// exists (no resurrection of an expired record). Returns 1, 0 (no such job) or -1 (lease lost).
    static let progress = script("""
        if redis.call('EXISTS', p .. 'job:' .. ARGV[1]) == 0 then return 0 end
        if redis.call('HGET', p .. 'owners', ARGV[1]) ~= ARGV[2] then return -1 end
        redis.call('HSET', p .. 'meta:' .. ARGV[1], 'progress', ARGV[3], 'pmsg', ARGV[4], 'updated', now)
        event('progress', { ARGV[1] })
        return 1
        """)
}
