import GantryRedis

extension QueueScripts {
    /// ARGV: consumer, retentionMs, ids... Completes the jobs this consumer still holds; a stale
    /// ack (the lease was reclaimed and re-leased elsewhere) changes nothing. With a retention of
    /// 0 the record is deleted at once; otherwise it expires, and the `done` index is trimmed as
    /// it goes, so memory stays bounded either way.
    static let ack = script("""
        local consumer, retention = ARGV[1], tonumber(ARGV[2])
        local ids = {}
        for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
        local owners = hmget(p .. 'owners', ids)
        local done = {}
        for i, id in ipairs(ids) do
          if owners[i] == consumer then done[#done + 1] = id end
        end
        if #done == 0 then return 0 end
        many('ZREM', p .. 'leased', done)
        many('HDEL', p .. 'owners', done)
        many('SREM', p .. 'cancels', done)
        if retention > 0 then
          local zargs = {}
          for _, id in ipairs(done) do
            redis.call('PEXPIRE', p .. 'job:' .. id, retention)
            zargs[#zargs + 1] = now
            zargs[#zargs + 1] = id
          end
          many('ZADD', p .. 'done', zargs, 2000)
          -- Forget what expired: at most as many as were just added, so the cost stays per job.
          local old = redis.call('ZRANGEBYSCORE', p .. 'done', '-inf', now - retention, 'LIMIT', 0, #done)
          if #old > 0 then
            many('ZREM', p .. 'done', old)
            many('HDEL', p .. 'attempts', old)
            del_keys(keys_of('meta:', old))
          end
        else
          many('HDEL', p .. 'attempts', done)
          del_keys(keys_of('job:', done))
          del_keys(keys_of('meta:', done))
        end
        redis.call('HINCRBY', p .. 'stats', 'processed', #done)
        event('acked', done)
        return #done
        """)

    /// ARGV: consumer, then per job: id, retryDelayMs (-1: permanent), error.
    /// Returns per job: runAtMs (retrying), 'dead', or 'stale'.
    static let fail = script("""
        local consumer = ARGV[1]
        local out, retrying, dead = {}, {}, {}
        for i = 2, #ARGV, 3 do
          local id, delay, err = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
          if redis.call('HGET', p .. 'owners', id) == consumer then
            redis.call('ZREM', p .. 'leased', id)
            redis.call('HDEL', p .. 'owners', id)
            redis.call('SREM', p .. 'cancels', id)
            local used = redis.call('HINCRBY', p .. 'attempts', id, 1)
            local _, max = info(id)
            set_error(id, err)
            redis.call('HINCRBY', p .. 'stats', 'failed', 1)
            if delay >= 0 and max and used < max then
              redis.call('ZADD', p .. 'delayed', now + delay, id)
              redis.call('HINCRBY', p .. 'stats', 'retried', 1)
              out[#out + 1] = now + delay
              retrying[#retrying + 1] = id
            else
              redis.call('ZADD', p .. 'dead', now, id)
              out[#out + 1] = 'dead'
              dead[#dead + 1] = id
            end
          else
            out[#out + 1] = 'stale'
          end
        end
        event('retrying', retrying)
        event('dead', dead)
        return out
        """)

    /// ARGV: consumer, ids... Hands jobs back to the front of their queue at once (graceful
    /// shutdown), in their original order; the attempt they used is not counted.
    static let release = script("""
        local consumer = ARGV[1]
        local released = {}
        for i = #ARGV, 2, -1 do
          local id = ARGV[i]
          if redis.call('HGET', p .. 'owners', id) == consumer then
            redis.call('ZREM', p .. 'leased', id)
            redis.call('HDEL', p .. 'owners', id)
            redis.call('SREM', p .. 'cancels', id)
            local prio = info(id)
            if prio then
              to_ready(id, prio, true)
              released[#released + 1] = id
            end
          end
        end
        if #released > 0 then wake() end
        event('released', released)
        return #released
        """)
}
