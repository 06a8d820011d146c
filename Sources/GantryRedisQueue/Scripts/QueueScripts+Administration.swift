import GantryRedis

/// Scripts for operators' actions: cancel, revive dead jobs, purge the dead letter.
extension QueueScripts {
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
          local g = group_of(id)
          if g then
            -- Its group's turn stays in the ring if the list empties; the next lease drops it.
            if redis.call('LREM', glist(prio, g), 1, id) == 0 then return 'already_finished' end
            redis.call('DECRBY', p .. 'gready', 1)
          else
            if redis.call('LREM', p .. 'ready:' .. prio, 1, id) == 0 then return 'already_finished' end
            if redis.call('LLEN', p .. 'ready:' .. prio) == 0 and redis.call('EXISTS', p .. 'gring:' .. prio) == 0 then
              redis.call('ZREM', p .. 'prios', prio)
            end
          end
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
          forget_groups(old)
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
        local taken = {}
        for _, id in ipairs(ids) do
          if redis.call('ZREM', p .. 'dead', id) == 1 then
            redis.call('HDEL', p .. 'attempts', id)
            redis.call('HDEL', p .. 'lapses', id)
            taken[#taken + 1] = id
          end
        end
        -- A fresh attempt budget, at the back of the line.
        return #back_to_ready(taken, false, 'revived')
        """)

    /// ARGV: olderThanMs, limit. Deletes dead jobs that died before now - olderThanMs.
    static let purgeDead = script("""
        local old = redis.call('ZRANGEBYSCORE', p .. 'dead', '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
        forget(old)
        return #old
        """)
}
