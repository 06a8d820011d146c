import GantryRedis

extension QueueScripts {
    /// ARGV: limit. Moves due delayed and retrying jobs to the back of their ready list.
    /// Idempotent: every worker runs it on a timer, so the queue heals with no coordinator.
    static let promote = script("""
        local due = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        local moved = {}
        for _, id in ipairs(due) do
          redis.call('ZREM', p .. 'delayed', id)
          local prio = info(id)
          if prio then
            to_ready(id, prio, false)
            moved[#moved + 1] = id
          end
        end
        if #moved > 0 then wake() end
        event('promoted', moved)
        return #moved
        """)

    /// ARGV: limit, retentionMs, deadMaxJobs, deadMaxAgeMs, freeLapses. Jobs whose lease deadline
    /// passed (their worker died, or was cut off from Redis) go back to the front of their ready
    /// list. The first `freeLapses` lapses of a job give its attempt back, since the run may never
    /// have started; after those, a lapse uses the attempt, and a lapse on the last attempt sends
    /// the job to the dead letter, so a job that kills its worker cannot loop for ever. A job whose
    /// cancellation was asked for ends cancelled. Returns {requeued, dead, cancelled}.
    static let reclaim = script("""
        local retention, dead_max, dead_age = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local free = tonumber(ARGV[5])
        local expired = redis.call('ZRANGEBYSCORE', p .. 'leased', '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        local back, dead, cancelled = {}, {}, {}
        for _, id in ipairs(expired) do
          unlease(id, nil)
          local prio, max = info(id)
          if not prio then
            redis.call('SREM', p .. 'cancels', id)
            redis.call('HDEL', p .. 'attempts', id)
            redis.call('HDEL', p .. 'lapses', id)
          else
            redis.call('HINCRBY', p .. 'stats', 'reclaimed', 1)
            local lapses = redis.call('HINCRBY', p .. 'lapses', id, 1)
            if end_if_cancelled(id, retention) then
              cancelled[#cancelled + 1] = id
            elseif lapses <= free then
              to_ready(id, prio, true)
              back[#back + 1] = id
            else
              local used = redis.call('HINCRBY', p .. 'attempts', id, 1)
              if used >= max then
                set_error(id, 'lease expired on the last attempt (' .. used .. ' of ' .. max .. '), after ' .. lapses
                  .. ' lapsed leases: the worker stopped responding')
                redis.call('ZADD', p .. 'dead', now, id)
                redis.call('HDEL', p .. 'lapses', id)
                redis.call('HINCRBY', p .. 'stats', 'failed', 1)
                dead[#dead + 1] = id
              else
                to_ready(id, prio, true)
                back[#back + 1] = id
              end
            end
          end
        end
        if #dead > 0 then trim_dead(dead_max, dead_age) end
        if #back > 0 then wake() end
        event('reclaimed', back)
        event('dead', dead)
        event('cancelled', cancelled)
        return { #back, #dead, #cancelled }
        """)

    /// ARGV: id, retentionMs. Returns cancelled | cancel_requested | already_finished | not_found.
    static let cancel = script("""
        local id, retention = ARGV[1], tonumber(ARGV[2])
        local prio = info(id)
        if not prio then return 'not_found' end
        if redis.call('ZSCORE', p .. 'leased', id) then
          redis.call('SADD', p .. 'cancels', id)
          redis.call('HSET', p .. 'meta:' .. id, 'updated', now)
          event('cancel_requested', { id })
          return 'cancel_requested'
        end
        if redis.call('ZREM', p .. 'delayed', id) == 0 then
          if redis.call('LREM', p .. 'ready:' .. prio, 1, id) == 0 then return 'already_finished' end
          if redis.call('LLEN', p .. 'ready:' .. prio) == 0 then redis.call('ZREM', p .. 'prios', prio) end
        end
        redis.call('HDEL', p .. 'readyat', id)
        redis.call('HDEL', p .. 'lapses', id)
        redis.call('ZADD', p .. 'cancelled', now, id)
        redis.call('PEXPIRE', p .. 'job:' .. id, retention)
        redis.call('HSET', p .. 'meta:' .. id, 'updated', now)
        redis.call('PEXPIRE', p .. 'meta:' .. id, retention)
        local old = redis.call('ZRANGEBYSCORE', p .. 'cancelled', '-inf', now - retention, 'LIMIT', 0, 100)
        if #old > 0 then
          many('ZREM', p .. 'cancelled', old)
          many('HDEL', p .. 'attempts', old)
        end
        event('cancelled', { id })
        return 'cancelled'
        """)

    /// ARGV: limit, ids... (none: the oldest dead first, up to limit). Brings dead jobs back with
    /// a fresh attempt budget. Returns how many.
    static let retryDead = script("""
        local ids = {}
        if #ARGV > 1 then
          for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
        else
          ids = redis.call('ZRANGE', p .. 'dead', 0, tonumber(ARGV[1]) - 1)
        end
        local revived = {}
        for _, id in ipairs(ids) do
          if redis.call('ZREM', p .. 'dead', id) == 1 then
            redis.call('HDEL', p .. 'attempts', id)
            redis.call('HDEL', p .. 'lapses', id)
            local prio = info(id)
            if prio then
              to_ready(id, prio, false)
              revived[#revived + 1] = id
            end
          end
        end
        if #revived > 0 then wake() end
        event('revived', revived)
        return #revived
        """)

    /// ARGV: olderThanMs, limit. Deletes dead jobs that died before now - olderThanMs.
    static let purgeDead = script("""
        local old = redis.call('ZRANGEBYSCORE', p .. 'dead', '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
        forget(old)
        return #old
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

    /// Read-only. ARGV: id. Returns nil, or {state, attempt, body, err, progress, pmsg, cancel, updated}.
    /// `attempt` is the attempts used so far, counting a running one.
    static let job = script("""
        local id = ARGV[1]
        local body = redis.call('GET', p .. 'job:' .. id)
        if not body then return nil end
        local used = tonumber(redis.call('HGET', p .. 'attempts', id) or 0)
        local state = 'ready'
        if redis.call('ZSCORE', p .. 'leased', id) then state = 'leased'; used = used + 1
        elseif redis.call('ZSCORE', p .. 'delayed', id) then state = 'delayed'
        elseif redis.call('ZSCORE', p .. 'dead', id) then state = 'dead'
        elseif redis.call('ZSCORE', p .. 'done', id) then state = 'completed'; used = used + 1
        elseif redis.call('ZSCORE', p .. 'cancelled', id) then state = 'cancelled'
        end
        local m = redis.call('HMGET', p .. 'meta:' .. id, 'err', 'progress', 'pmsg', 'updated')
        return { state, used, body, m[1] or '', m[2] or '', m[3] or '',
          redis.call('SISMEMBER', p .. 'cancels', id), m[4] or '' }
        """)

    /// Read-only. Returns {now, ready, leased, delayed, dead, processed, failed, retried,
    /// reclaimed, oldest ready-at or -1}. A job's ready-at is when it re-entered ready, or else
    /// the time in its UUIDv7.
    static let stats = script("""
        local ready, oldest = 0, -1
        for _, prio in ipairs(redis.call('ZRANGE', p .. 'prios', 0, -1)) do
          local lkey = p .. 'ready:' .. prio
          ready = ready + redis.call('LLEN', lkey)
          local head = redis.call('LINDEX', lkey, 0)
          if head then
            local at = tonumber(redis.call('HGET', p .. 'readyat', head) or '')
              or tonumber(string.sub(head, 1, 8) .. string.sub(head, 10, 13), 16) or now
            if oldest < 0 or at < oldest then oldest = at end
          end
        end
        local c = redis.call('HMGET', p .. 'stats', 'processed', 'failed', 'retried', 'reclaimed')
        return { now, ready, redis.call('ZCARD', p .. 'leased'), redis.call('ZCARD', p .. 'delayed'),
          redis.call('ZCARD', p .. 'dead'), tonumber(c[1] or 0), tonumber(c[2] or 0),
          tonumber(c[3] or 0), tonumber(c[4] or 0), oldest }
        """)
}
