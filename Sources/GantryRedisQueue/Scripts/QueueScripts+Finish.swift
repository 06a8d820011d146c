import GantryRedis

extension QueueScripts {
    /// ARGV: retentionMs, then per lease token: token, count, and that many ids. Completes the
    /// jobs whose lease is still held by that token; a stale ack (the lease lapsed and the job was
    /// leased again, even by the same worker) changes nothing. Returns how many it completed.
    ///
    /// With a retention of 0 the record is deleted at once. Otherwise it stays readable until it
    /// is trimmed from the `done` index: here, at most as many as were just added (so the cost
    /// stays per job), and by the maintenance script when acks stop (`trim_done`). Trimming
    /// instead of a `PEXPIRE` per job saves Redis two calls per job on the hot path; the `job`
    /// script treats a record past its retention as gone even before it is trimmed.
    static let ack = script("""
        local retention = tonumber(ARGV[1])
        local done = {}
        local i = 2
        while i <= #ARGV do
          local token, count = ARGV[i], tonumber(ARGV[i + 1])
          local ids = {}
          for j = 1, count do ids[j] = ARGV[i + 1 + j] end
          local owners = hmget(p .. 'owners', ids)
          for j = 1, count do
            if owners[j] == token then done[#done + 1] = ids[j] end
          end
          i = i + 2 + count
        end
        if #done == 0 then return 0 end
        -- What HDEL removes is what is settled: the same lease twice in one batch counts once.
        local settled = many('HDEL', p .. 'owners', done)
        many('ZREM', p .. 'leased', done)
        free_slots(done)
        if redis.call('EXISTS', p .. 'cancels') == 1 then many('SREM', p .. 'cancels', done) end
        if redis.call('EXISTS', p .. 'lapses') == 1 then many('HDEL', p .. 'lapses', done) end
        if retention > 0 then
          local zargs = {}
          for j, id in ipairs(done) do
            zargs[2 * j - 1] = now
            zargs[2 * j] = id
          end
          many('ZADD', p .. 'done', zargs, 2000)
          trim_done(retention, #done)
        else
          if redis.call('EXISTS', p .. 'attempts') == 1 then many('HDEL', p .. 'attempts', done) end
          del_keys(keys_of('job:', done))
          del_keys(keys_of('meta:', done))
          forget_groups(done)
        end
        redis.call('HINCRBY', p .. 'stats', 'processed', settled)
        event('acked', done)
        return settled
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
