import GantryRedis

extension QueueScripts {
    /// ARGV: limit. Moves due delayed and retrying jobs to the back of their ready list.
    /// Idempotent: every worker runs it on a timer, so the queue heals with no coordinator.
    static let promote = script("""
        local due = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        local moved = {}
        for _, id in ipairs(due) do
          redis.call('ZREM', p .. 'delayed', id)
          local k = p .. 'job:' .. id
          local prio = redis.call('HGET', k, 'prio')
          if prio then
            redis.call('HSET', k, 'state', 'ready', 'updated', now, 'ready_at', now)
            redis.call('RPUSH', p .. 'ready:' .. prio, id)
            redis.call('ZADD', p .. 'prios', prio, prio)
            moved[#moved + 1] = id
          end
        end
        if #moved > 0 then wake() end
        event('promoted', moved)
        return #moved
        """)

    /// ARGV: limit. Jobs whose lease deadline passed (their worker died) go back to the front of
    /// their ready list, or to the dead letter when that was their last attempt, so a job that
    /// kills its worker cannot loop for ever. Returns {requeued, dead}.
    static let reclaim = script("""
        local expired = redis.call('ZRANGEBYSCORE', p .. 'leased', '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        local back, dead = {}, {}
        for _, id in ipairs(expired) do
          redis.call('ZREM', p .. 'leased', id)
          local k = p .. 'job:' .. id
          local f = redis.call('HMGET', k, 'attempt', 'max', 'prio')
          if f[3] then
            redis.call('HINCRBY', p .. 'stats', 'reclaimed', 1)
            if tonumber(f[1]) >= tonumber(f[2]) then
              redis.call('HSET', k, 'state', 'dead', 'owner', '', 'updated', now, 'err',
                'lease expired on the last attempt (' .. f[1] .. ' of ' .. f[2] .. '): the worker stopped responding')
              redis.call('ZADD', p .. 'dead', now, id)
              redis.call('HINCRBY', p .. 'stats', 'failed', 1)
              dead[#dead + 1] = id
            else
              redis.call('HSET', k, 'state', 'ready', 'owner', '', 'updated', now, 'ready_at', now)
              redis.call('LPUSH', p .. 'ready:' .. f[3], id)
              redis.call('ZADD', p .. 'prios', f[3], f[3])
              back[#back + 1] = id
            end
          end
        end
        if #back > 0 then wake() end
        event('reclaimed', back)
        event('dead', dead)
        return { #back, #dead }
        """)

    /// ARGV: id, retentionMs. Returns cancelled | cancel_requested | already_finished | not_found.
    static let cancel = script("""
        local id, retention = ARGV[1], tonumber(ARGV[2])
        local k = p .. 'job:' .. id
        local f = redis.call('HMGET', k, 'state', 'prio')
        local state = f[1]
        if not state then return 'not_found' end
        if state == 'ready' then
          redis.call('LREM', p .. 'ready:' .. f[2], 1, id)
          if redis.call('LLEN', p .. 'ready:' .. f[2]) == 0 then redis.call('ZREM', p .. 'prios', f[2]) end
        elseif state == 'delayed' then
          redis.call('ZREM', p .. 'delayed', id)
        elseif state == 'leased' then
          redis.call('HSET', k, 'cancel', '1', 'updated', now)
          event('cancel_requested', { id })
          return 'cancel_requested'
        else
          return 'already_finished'
        end
        redis.call('HSET', k, 'state', 'cancelled', 'updated', now)
        redis.call('PEXPIRE', k, retention)
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
            local k = p .. 'job:' .. id
            local prio = redis.call('HGET', k, 'prio')
            if prio then
              redis.call('HSET', k, 'state', 'ready', 'attempt', 0, 'updated', now, 'ready_at', now)
              redis.call('RPUSH', p .. 'ready:' .. prio, id)
              redis.call('ZADD', p .. 'prios', prio, prio)
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
        for _, id in ipairs(old) do
          redis.call('DEL', p .. 'job:' .. id)
        end
        push_many('ZREM', p .. 'dead', old)
        return #old
        """)

    /// ARGV: id, percent, message. Only a job that still exists gets progress (no resurrection of
    /// an expired record).
    static let progress = script("""
        local k = p .. 'job:' .. ARGV[1]
        if redis.call('EXISTS', k) == 0 then return 0 end
        redis.call('HSET', k, 'progress', ARGV[2], 'pmsg', ARGV[3], 'updated', now)
        event('progress', { ARGV[1] })
        return 1
        """)

    /// Read-only. Returns {now, ready, leased, delayed, dead, processed, failed, retried,
    /// reclaimed, oldest ready_at or -1}.
    static let stats = script("""
        local ready, oldest = 0, -1
        for _, prio in ipairs(redis.call('ZRANGE', p .. 'prios', 0, -1)) do
          local lkey = p .. 'ready:' .. prio
          ready = ready + redis.call('LLEN', lkey)
          local head = redis.call('LINDEX', lkey, 0)
          if head then
            local at = tonumber(redis.call('HGET', p .. 'job:' .. head, 'ready_at') or now)
            if oldest < 0 or at < oldest then oldest = at end
          end
        end
        local c = redis.call('HMGET', p .. 'stats', 'processed', 'failed', 'retried', 'reclaimed')
        return { now, ready, redis.call('ZCARD', p .. 'leased'), redis.call('ZCARD', p .. 'delayed'),
          redis.call('ZCARD', p .. 'dead'), tonumber(c[1] or 0), tonumber(c[2] or 0),
          tonumber(c[3] or 0), tonumber(c[4] or 0), oldest }
        """)
}
