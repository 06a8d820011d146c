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
    ///
    /// Where a priority has groups with ready work (`gring:<priority>`), it takes them in turn
    /// (see `QueueScripts`): each pass gives the next groups in the ring, and the ungrouped list, an
    /// equal share of what is left to lease, within the group's concurrency limit and rate; a
    /// group with work left goes to the back of the ring, or is parked when it reached a limit.
    /// A pass visits at most 64 groups, so a large lease takes a few jobs from each of 64 groups
    /// (a turn of ⌈n/64⌉ jobs) instead of one job from each of n: a worker's usual lease (its
    /// free slots, 32 by default) still takes one job per group, and a 500-job batch costs Redis
    /// one pop per eight jobs instead of one per job.
    static let lease = script("""
        local token, remaining = ARGV[1], tonumber(ARGV[2])
        local deadline = now + tonumber(ARGV[3])
        local ids, more, from_groups = nil, false, 0
        local function add(popped)
          if ids == nil then
            ids = popped
          else
            for _, id in ipairs(popped) do ids[#ids + 1] = id end
          end
          remaining = remaining - #popped
        end
        unpark_waited()
        local limited = redis.call('EXISTS', p .. 'glimits') == 1
        local defaults = limited and redis.call('HMGET', p .. 'glimits', 'c:*', 'r:*') or {}
        -- A group's concurrency limit (nil: none) and rate (`<n>/<ms>`, nil: none).
        local function limits_of(g)
          if not limited then return nil, nil end
          local own = redis.call('HMGET', p .. 'glimits', 'c:' .. g, 'r:' .. g)
          return tonumber(own[1] or defaults[1]), own[2] or defaults[2] or nil
        end
        -- The group's rate (`<n>/<ms>`) as GCRA: how many jobs may start now (bursts of up to `n`),
        -- and a function that books `k` starts and says when the next may start.
        local function rate_of(g, rate)
          local n, per = string.match(rate, '^(%d+)/(%d+)$')
          n, per = tonumber(n), tonumber(per)
          if not n or n < 1 or not per or per < 1 then return nil end
          local step = per / n
          local tat = math.max(tonumber(redis.call('HGET', p .. 'gtat', g) or 0) or 0, now)
          local allowed = math.max(0, math.floor((now + per - tat) / step + 1e-9))
          return allowed, function(k)
            tat = tat + k * step
            if k > 0 then redis.call('HSET', p .. 'gtat', g, tat) end
            return math.ceil(tat + step - per)
          end
        end
        local function lease_in_turns(prio)
          local ring, plain, ringed = p .. 'gring:' .. prio, p .. 'ready:' .. prio, p .. 'gringed:' .. prio
          for pass = 1, 16 do
            local n, plain_n = redis.call('LLEN', ring), redis.call('LLEN', plain)
            if remaining <= 0 or (n == 0 and plain_n == 0) then return end
            local k = math.min(n, remaining, 64)
            local share = math.max(1, math.floor(remaining / (k + (plain_n > 0 and 1 or 0))))
            local took = 0
            if plain_n > 0 then
              local popped = redis.call('LPOP', plain, math.min(share, remaining))
              if popped then
                add(popped)
                took = took + #popped
              end
            end
            local back = {}
            for _, g in ipairs(k > 0 and redis.call('LPOP', ring, k) or {}) do
              local list = glist(prio, g)
              local want = math.min(share, remaining)
              local cap, rate = limits_of(g)
              local running = cap and (tonumber(redis.call('HGET', p .. 'grunning', g) or 0) or 0) or 0
              local park, until_ms, book = nil, nil, nil
              if cap then
                want = math.min(want, cap - running)
                if want <= 0 then park = 'full' end
              end
              if rate and want > 0 then
                local allowed
                allowed, book = rate_of(g, rate)
                if allowed then want = math.min(want, allowed) end
              end
              local popped = want > 0 and redis.call('LPOP', list, want) or nil
              if popped then
                add(popped)
                took = took + #popped
                if limited then redis.call('HINCRBY', p .. 'grunning', g, #popped) end
                from_groups = from_groups + #popped
                if cap and running + #popped >= cap then park = 'full' end
              end
              if book then
                until_ms = book(popped and #popped or 0)
                if not park and not popped then park = 'wait' end
              end
              if redis.call('EXISTS', list) == 0 then
                redis.call('SREM', ringed, g)
              elseif park == 'full' then
                redis.call('SREM', ringed, g)
                redis.call('SADD', p .. 'gfull', g)
              elseif park == 'wait' then
                redis.call('SREM', ringed, g)
                redis.call('ZADD', p .. 'gwait', until_ms, g)
              else
                back[#back + 1] = g
              end
            end
            if #back > 0 then many('RPUSH', ring, back) end
            if took == 0 then return end
          end
        end
        for _, prio in ipairs(redis.call('ZREVRANGE', p .. 'prios', 0, -1)) do
          local lkey, ring = p .. 'ready:' .. prio, p .. 'gring:' .. prio
          local rings = redis.call('EXISTS', ring) == 1
          if remaining > 0 then
            if rings then
              lease_in_turns(prio)
              rings = redis.call('EXISTS', ring) == 1
            else
              local popped = redis.call('LPOP', lkey, remaining)
              if popped then add(popped) end
            end
          end
          if not rings and redis.call('LLEN', lkey) == 0 then
            redis.call('ZREM', p .. 'prios', prio)
          else
            more = true
          end
        end
        if from_groups > 0 then redis.call('DECRBY', p .. 'gready', from_groups) end
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
