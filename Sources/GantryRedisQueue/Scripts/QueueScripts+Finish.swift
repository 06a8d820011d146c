import GantryRedis

extension QueueScripts {
    /// ARGV: consumer, retentionMs, ids... Completes the jobs this consumer still holds; a stale
    /// ack (the lease was reclaimed and the job re-leased elsewhere) changes nothing. With a
    /// retention of 0 the record is deleted at once; otherwise it expires, so memory stays bounded.
    static let ack = script("""
        local consumer, retention = ARGV[1], tonumber(ARGV[2])
        local done = {}
        for i = 3, #ARGV do
          local id = ARGV[i]
          local k = p .. 'job:' .. id
          local f = redis.call('HMGET', k, 'state', 'owner')
          if f[1] == 'leased' and f[2] == consumer then
            if retention > 0 then
              redis.call('HSET', k, 'state', 'completed', 'updated', now)
              redis.call('PEXPIRE', k, retention)
            else
              redis.call('DEL', k)
            end
            done[#done + 1] = id
          end
        end
        if #done > 0 then
          push_many('ZREM', p .. 'leased', done)
          redis.call('HINCRBY', p .. 'stats', 'processed', #done)
        end
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
          local k = p .. 'job:' .. id
          local f = redis.call('HMGET', k, 'state', 'owner', 'attempt', 'max')
          if f[1] == 'leased' and f[2] == consumer then
            redis.call('ZREM', p .. 'leased', id)
            redis.call('HINCRBY', p .. 'stats', 'failed', 1)
            if delay >= 0 and tonumber(f[3]) < tonumber(f[4]) then
              redis.call('HSET', k, 'state', 'delayed', 'owner', '', 'err', err, 'updated', now)
              redis.call('ZADD', p .. 'delayed', now + delay, id)
              redis.call('HINCRBY', p .. 'stats', 'retried', 1)
              out[#out + 1] = now + delay
              retrying[#retrying + 1] = id
            else
              redis.call('HSET', k, 'state', 'dead', 'owner', '', 'err', err, 'updated', now)
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
    /// shutdown); the attempt they used is given back too. Returns how many were released.
    static let release = script("""
        local consumer = ARGV[1]
        local released = {}
        for i = #ARGV, 2, -1 do
          local id = ARGV[i]
          local k = p .. 'job:' .. id
          local f = redis.call('HMGET', k, 'state', 'owner', 'prio')
          if f[1] == 'leased' and f[2] == consumer then
            redis.call('ZREM', p .. 'leased', id)
            redis.call('HINCRBY', k, 'attempt', -1)
            redis.call('HSET', k, 'state', 'ready', 'owner', '', 'updated', now, 'ready_at', now)
            redis.call('LPUSH', p .. 'ready:' .. f[3], id)
            redis.call('ZADD', p .. 'prios', f[3], f[3])
            released[#released + 1] = id
          end
        end
        if #released > 0 then wake() end
        event('released', released)
        return #released
        """)
}
