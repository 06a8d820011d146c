import GantryRedis

/// Scripts that keep a queue healthy with no coordinator: promotion of due jobs, reclaim of lapsed leases.
extension QueueScripts {
    /// ARGV: limit. Moves due delayed and retrying jobs to the back of their ready list, and brings
    /// groups whose rate allows again back in turn (waking idle workers for them).
    /// Idempotent: every worker runs it on a timer, so the queue heals with no coordinator.
    static let promote = script("""
        if unpark_waited() then wake() end
        local due = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        if #due > 0 then many('ZREM', p .. 'delayed', due) end
        return #back_to_ready(due, false, 'promoted')
        """)

    /// ARGV: limit, retentionMs, deadMaxJobs, deadMaxAgeMs, freeLapses. Jobs whose lease deadline
    /// passed (their worker died, or was cut off from Redis) go back to the front of their ready
    /// list. The first `freeLapses` lapses of a job give its attempt back, since the run may never
    /// have started; after those, a lapse uses the attempt, and a lapse on the last attempt sends
    /// the job to the dead letter, so a job that kills its worker cannot loop for ever. A job whose
    /// cancellation was asked for ends cancelled. It also forgets up to `limit` completed jobs past
    /// their retention, which acks trim only while acks keep coming. Returns {requeued, dead, cancelled}.
    static let reclaim = script("""
        local retention, dead_max, dead_age = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local free = tonumber(ARGV[5])
        trim_done(retention, tonumber(ARGV[1]))
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
}
