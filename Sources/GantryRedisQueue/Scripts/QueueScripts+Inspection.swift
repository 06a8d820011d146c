import GantryRedis

/// Read-only scripts: one job's state, a queue's counts and latency in one round trip.
extension QueueScripts {
    /// Read-only. ARGV: id, retentionMs. Returns nil, or {state, attempt, body, err, progress, pmsg,
    /// cancel, updated}. `attempt` is the attempts used so far, counting a running one. A completed
    /// job past its retention is gone, whether or not it has been trimmed yet.
    static let job = script("""
        local id = ARGV[1]
        local body = redis.call('GET', p .. 'job:' .. id)
        if not body then return nil end
        local used = tonumber(redis.call('HGET', p .. 'attempts', id) or 0)
        local state = 'ready'
        if redis.call('ZSCORE', p .. 'leased', id) then state = 'leased'; used = used + 1
        elseif redis.call('ZSCORE', p .. 'delayed', id) then state = 'delayed'
        elseif redis.call('ZSCORE', p .. 'dead', id) then state = 'dead'
        else
          local finished = redis.call('ZSCORE', p .. 'done', id)
          if finished then
            if tonumber(finished) <= now - tonumber(ARGV[2]) then return nil end
            state = 'completed'; used = used + 1
          elseif redis.call('ZSCORE', p .. 'cancelled', id) then state = 'cancelled' end
        end
        local m = redis.call('HMGET', p .. 'meta:' .. id, 'err', 'progress', 'pmsg', 'updated')
        return { state, used, body, m[1] or '', m[2] or '', m[3] or '',
          redis.call('SISMEMBER', p .. 'cancels', id), m[4] or '' }
        """)

    /// Read-only. Returns {now, ready, leased, delayed, dead, processed, failed, retried,
    /// reclaimed, oldest ready-at or -1}. A job's ready-at is when it re-entered ready, or else
    /// the time in its UUIDv7. Grouped jobs count in `ready` (`gready`, parked groups' too); for
    /// the oldest, the heads of the first ten groups in each priority's turn order are looked at.
    static let stats = script("""
        local ready, oldest = 0, -1
        local function consider(lkey)
          local head = redis.call('LINDEX', lkey, 0)
          if head then
            local at = tonumber(redis.call('HGET', p .. 'readyat', head) or '')
              or tonumber(string.sub(head, 1, 8) .. string.sub(head, 10, 13), 16) or now
            if oldest < 0 or at < oldest then oldest = at end
          end
        end
        for _, prio in ipairs(redis.call('ZRANGE', p .. 'prios', 0, -1)) do
          local lkey = p .. 'ready:' .. prio
          ready = ready + redis.call('LLEN', lkey)
          consider(lkey)
          for _, g in ipairs(redis.call('LRANGE', p .. 'gring:' .. prio, 0, 9)) do
            consider(glist(prio, g))
          end
        end
        ready = ready + tonumber(redis.call('GET', p .. 'gready') or 0)
        local c = redis.call('HMGET', p .. 'stats', 'processed', 'failed', 'retried', 'reclaimed')
        return { now, ready, redis.call('ZCARD', p .. 'leased'), redis.call('ZCARD', p .. 'delayed'),
          redis.call('ZCARD', p .. 'dead'), tonumber(c[1] or 0), tonumber(c[2] or 0),
          tonumber(c[3] or 0), tonumber(c[4] or 0), oldest }
        """)
}
