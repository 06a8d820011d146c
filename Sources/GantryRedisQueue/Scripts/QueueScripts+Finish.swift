import GantryRedis

extension QueueScripts {
    /// ARGV: retentionMs, then per job: id, token. Completes the jobs whose lease is still held by
    /// that token; a stale ack (the lease lapsed and the job was leased again, even by the same
    /// worker) changes nothing. With a retention of 0 the record is deleted at once; otherwise it
    /// expires, and the `done` index is trimmed as it goes, so memory stays bounded either way.
    static let ack = script("""
        local retention = tonumber(ARGV[1])
        local ids, tokens, owners = leases_from(2)
        local done = {}
        for i, id in ipairs(ids) do
          if owners[i] == tokens[i] then done[#done + 1] = id end
        end
        if #done == 0 then return 0 end
        many('ZREM', p .. 'leased', done)
        many('HDEL', p .. 'owners', done)
        many('SREM', p .. 'cancels', done)
        many('HDEL', p .. 'lapses', done)
        if retention > 0 then
          local zargs = {}
          for _, id in ipairs(done) do
            redis.call('PEXPIRE', p .. 'job:' .. id, retention)
            redis.call('PEXPIRE', p .. 'meta:' .. id, retention)
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

    /// ARGV: retentionMs, deadMaxJobs, deadMaxAgeMs, then per job: id, token, retryDelayMs (-1:
    /// permanent), error. Returns per job: runAtMs (retrying), 'dead', 'cancelled' or 'stale'.
    static let fail = script("""
        local retention, dead_max, dead_age = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local out, retrying, dead, cancelled = {}, {}, {}, {}
        for i = 4, #ARGV, 4 do
          local id, token, delay, err = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]
          if unlease(id, token) then
            local used = redis.call('HINCRBY', p .. 'attempts', id, 1)
            local _, max = info(id)
            set_error(id, err)
            if end_if_cancelled(id, retention) then
              out[#out + 1] = 'cancelled'
              cancelled[#cancelled + 1] = id
            elseif delay >= 0 and max and used < max then
              redis.call('HINCRBY', p .. 'stats', 'failed', 1)
              redis.call('ZADD', p .. 'delayed', now + delay, id)
              redis.call('HINCRBY', p .. 'stats', 'retried', 1)
              out[#out + 1] = now + delay
              retrying[#retrying + 1] = id
            else
              redis.call('HINCRBY', p .. 'stats', 'failed', 1)
              redis.call('ZADD', p .. 'dead', now, id)
              redis.call('HDEL', p .. 'lapses', id)
              out[#out + 1] = 'dead'
              dead[#dead + 1] = id
            end
          else
            out[#out + 1] = 'stale'
          end
        end
        if #dead > 0 then trim_dead(dead_max, dead_age) end
        event('retrying', retrying)
        event('dead', dead)
        event('cancelled', cancelled)
        return out
        """)

    /// ARGV: retentionMs, then per job: id, token. Hands jobs back to the front of their queue at
    /// once (graceful shutdown), in their original order; the attempt they used is not counted.
    /// A job whose cancellation was asked for ends cancelled instead.
    static let release = script("""
        local retention = tonumber(ARGV[1])
        local released, cancelled = {}, {}
        for i = #ARGV - 1, 2, -2 do
          local id, token = ARGV[i], ARGV[i + 1]
          if unlease(id, token) then
            if end_if_cancelled(id, retention) then
              cancelled[#cancelled + 1] = id
            else
              local prio = info(id)
              if prio then
                to_ready(id, prio, true)
                released[#released + 1] = id
              end
            end
          end
        end
        if #released > 0 then wake() end
        event('released', released)
        event('cancelled', cancelled)
        return #released + #cancelled
        """)
}
