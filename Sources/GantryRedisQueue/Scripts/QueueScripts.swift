import GantryRedis

/// The Lua scripts behind every job transition: each runs atomically inside Redis, so a crash
/// between two calls can never leave a job in two states or none.
///
/// Layout under the queue's prefix `gantry:{queue}:` (one hash tag, so every script touches one
/// cluster slot and Redis Cluster routes it by its single key):
///
/// | key | type | holds |
/// | --- | --- | --- |
/// | `job:<id>` | string | the envelope as enqueued (immutable) |
/// | `ready:<priority>` | list | ids waiting, FIFO |
/// | `prios` | sorted set | priority levels whose list is non-empty |
/// | `leased` | sorted set | id → lease deadline |
/// | `owners` | hash | id → fencing token of the lease that holds it (`<consumer>/<random>`) |
/// | `attempts` | hash | id → attempts already used up (absent: none) |
/// | `lapses` | hash | id → leases that lapsed (see `LeaseLapsePolicy`) |
/// | `delayed` / `dead` | sorted set | id → run-at / time of death |
/// | `done` / `cancelled` | sorted set | id → time, while the record is retained (`done` is trimmed, `cancelled` records expire) |
/// | `readyat` | hash | id → when it re-entered ready (retry, reclaim, release) |
/// | `cancels` | set | running ids whose cancellation was requested |
/// | `meta:<id>` | hash | last error, progress, progress message, updated-at |
/// | `unique:<key>`, `stats`, `events`, `wake` | | unique locks, counters, event stream, wake-ups |
/// | `group` | hash | id → group, for jobs that have one (`JobEnvelope.group`) |
/// | `gready:<priority>:<group>` | list | a group's ids waiting, FIFO |
/// | `gring:<priority>` / `gringed:<priority>` | list / set | groups with ready work, in turn order / the same as a set |
/// | `gready` | string | grouped jobs ready, all groups together (for `stats`) |
/// | `grunning` | hash | group → jobs leased, kept only while the queue has limits (`glimits`) |
/// | `glimits` | hash | `c:<group>` / `c:*` → concurrency limit; `r:<group>` / `r:*` → rate `<n>/<ms>` |
/// | `gfull` / `gwait` / `gtat` | set / sorted set / hash | groups parked at their limit / waiting for their rate (→ until) / rate state |
///
/// Groups: within a priority, the lease script takes jobs round-robin across the groups in the
/// ring (the ungrouped list takes a turn like one group), each up to its concurrency limit and
/// rate; a group that reaches one is parked (out of the rings) until a lease of it ends or its
/// rate allows again. A queue whose jobs have no group never creates these keys, and each script
/// checks for them once (`EXISTS`), so it pays nothing for them; a queue with groups and no limits
/// keeps no running counts, so its lease and ack pay only for the turns.
///
/// The hot path (enqueue, lease, ack) makes a fixed number of batched calls per script, not per
/// job; per-job state that only the cold paths need (priority, max attempts) is read from the
/// envelope with cjson there. Times come from the server's `TIME`, so workers on hosts with
/// skewed clocks agree on deadlines.
enum QueueScripts {
    /// Shared Lua preamble: clock, batching helpers, events and wake-ups.
    static let prelude = """
        local p = KEYS[1]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        -- Commands with many arguments, in chunks that stay under Lua's stack limit; returns the
        -- sum of the chunks' integer replies (what they added or removed).
        local function many(cmd, key, list, step)
          step = step or 1000
          local sum = 0
          for i = 1, #list, step do
            sum = sum + (tonumber(redis.call(cmd, key, unpack(list, i, math.min(i + step - 1, #list)))) or 0)
          end
          return sum
        end
        local function keys_of(prefix, ids)
          local ks = {}
          for i, id in ipairs(ids) do ks[i] = p .. prefix .. id end
          return ks
        end
        local function del_keys(ks)
          for i = 1, #ks, 1000 do redis.call('DEL', unpack(ks, i, math.min(i + 999, #ks))) end
        end
        local function hmget(key, ids)
          local out = {}
          for i = 1, #ids, 1000 do
            local part = redis.call('HMGET', key, unpack(ids, i, math.min(i + 999, #ids)))
            for j = 1, #part do out[#out + 1] = part[j] end
          end
          return out
        end
        -- The leases a settling script is given: `id, token` pairs from ARGV[first] on, and each
        -- job's current owner token, so the script acts only where the two agree (fencing).
        local function leases_from(first)
          local ids, tokens = {}, {}
          for i = first, #ARGV, 2 do
            ids[#ids + 1] = ARGV[i]
            tokens[#tokens + 1] = ARGV[i + 1]
          end
          return ids, tokens, hmget(p .. 'owners', ids)
        end
        local function event(kind, ids)
          if #ids > 0 then
            redis.call('XADD', p .. 'events', 'MAXLEN', '~', 1000, '*', 'kind', kind, 'at', now,
              'ids', table.concat(ids, ','))
          end
        end
        local function wake()
          redis.call('LPUSH', p .. 'wake', '1')
          redis.call('LTRIM', p .. 'wake', 0, 0)
        end
        -- Priority and max attempts from the envelope; nil when the job's record is gone.
        local function info(id)
          local body = redis.call('GET', p .. 'job:' .. id)
          if not body then return nil end
          local ok, env = pcall(cjson.decode, body)
          if ok and type(env) == 'table' then
            return tonumber(env.priority) or 5, tonumber(env.maxAttempts) or 1
          end
          return 5, 1
        end
        -- A group's ready list at a priority.
        local function glist(prio, g) return p .. 'gready:' .. prio .. ':' .. g end
        -- The group of a job, or nil.
        local function group_of(id)
          if redis.call('EXISTS', p .. 'group') == 0 then return nil end
          return redis.call('HGET', p .. 'group', id) or nil
        end
        -- Puts `g` at the back of the turn order of `prio`, unless it is in it already or parked.
        local function ring_in(prio, g)
          if redis.call('SISMEMBER', p .. 'gfull', g) == 1 or redis.call('ZSCORE', p .. 'gwait', g) then return end
          if redis.call('SADD', p .. 'gringed:' .. prio, g) == 1 then
            redis.call('RPUSH', p .. 'gring:' .. prio, g)
            redis.call('ZADD', p .. 'prios', prio, prio)
          end
        end
        local function push_grouped(prio, g, ids, front)
          many(front and 'LPUSH' or 'RPUSH', glist(prio, g), ids)
          redis.call('INCRBY', p .. 'gready', #ids)
          ring_in(prio, g)
        end
        -- A parked group back in the turn order of every priority it has work at; true when it has any.
        local function unpark(g)
          local any = false
          for prio = 0, 9 do
            if redis.call('EXISTS', glist(prio, g)) == 1 then
              ring_in(prio, g)
              any = true
            end
          end
          return any
        end
        -- Groups whose rate lets them go again, back in turn; true when one has work.
        local function unpark_waited()
          if redis.call('EXISTS', p .. 'gwait') == 0 then return false end
          local due = redis.call('ZRANGEBYSCORE', p .. 'gwait', '-inf', now, 'LIMIT', 0, 1000)
          if #due == 0 then return false end
          many('ZREM', p .. 'gwait', due)
          local any = false
          for _, g in ipairs(due) do
            if unpark(g) then any = true end
          end
          return any
        end
        -- Frees the concurrency slots of leases that ended, and brings a group parked at its limit
        -- back into turn, waking idle workers when it has work. Without limits there are no slots.
        local function free_slots(ids)
          if #ids == 0 or redis.call('EXISTS', p .. 'glimits') == 0 then return end
          local groups = hmget(p .. 'group', ids)
          local ended = {}
          for i = 1, #ids do
            local g = groups[i]
            if g then ended[g] = (ended[g] or 0) + 1 end
          end
          local woke = false
          for g, count in pairs(ended) do
            if redis.call('HINCRBY', p .. 'grunning', g, -count) <= 0 then redis.call('HDEL', p .. 'grunning', g) end
            if redis.call('SREM', p .. 'gfull', g) == 1 and unpark(g) then woke = true end
          end
          if woke then wake() end
        end
        local function forget_groups(ids)
          if #ids > 0 and redis.call('EXISTS', p .. 'group') == 1 then many('HDEL', p .. 'group', ids) end
        end
        local function to_ready(id, prio, front)
          local g = group_of(id)
          if g then
            push_grouped(prio, g, { id }, front)
          else
            redis.call(front and 'LPUSH' or 'RPUSH', p .. 'ready:' .. prio, id)
            redis.call('ZADD', p .. 'prios', prio, prio)
          end
          redis.call('HSET', p .. 'readyat', id, now)
        end
        -- Puts jobs back on their ready lists (at the front when `front`), skipping any whose record
        -- is gone; wakes idle workers and records `kind`. Returns the IDs moved.
        local function back_to_ready(ids, front, kind)
          local moved = {}
          for _, id in ipairs(ids) do
            local prio = info(id)
            if prio then
              to_ready(id, prio, front)
              moved[#moved + 1] = id
            end
          end
          if #moved > 0 then wake() end
          event(kind, moved)
          return moved
        end
        local function set_error(id, err)
          redis.call('HSET', p .. 'meta:' .. id, 'err', err, 'updated', now)
        end
        -- Takes the lease off a job: only the holder of `token` may, and only while it holds it.
        local function unlease(id, token)
          if token and redis.call('HGET', p .. 'owners', id) ~= token then return false end
          redis.call('ZREM', p .. 'leased', id)
          redis.call('HDEL', p .. 'owners', id)
          free_slots({ id })
          return true
        end
        -- A job whose cancellation was asked for while it ran ends cancelled, whichever way its
        -- run ended (failure, drain, lapsed lease, timeout). Returns true when it was.
        local function end_if_cancelled(id, retention)
          if redis.call('SREM', p .. 'cancels', id) == 0 then return false end
          redis.call('ZADD', p .. 'cancelled', now, id)
          redis.call('HDEL', p .. 'readyat', id)
          redis.call('HDEL', p .. 'lapses', id)
          redis.call('PEXPIRE', p .. 'job:' .. id, retention)
          redis.call('HSET', p .. 'meta:' .. id, 'updated', now)
          redis.call('PEXPIRE', p .. 'meta:' .. id, retention)
          -- Forget what expired, a few at a time, so the index stays bounded.
          local old = redis.call('ZRANGEBYSCORE', p .. 'cancelled', '-inf', now - retention, 'LIMIT', 0, 10)
          if #old > 0 then
            many('ZREM', p .. 'cancelled', old)
            many('HDEL', p .. 'attempts', old)
            forget_groups(old)
          end
          return true
        end
        -- Forgets completed jobs past their retention, oldest first, at most `limit` of them.
        local function trim_done(retention, limit)
          local old = redis.call('ZRANGEBYSCORE', p .. 'done', '-inf', now - retention, 'LIMIT', 0, limit)
          if #old == 0 then return 0 end
          many('ZREM', p .. 'done', old)
          if redis.call('EXISTS', p .. 'attempts') == 1 then many('HDEL', p .. 'attempts', old) end
          del_keys(keys_of('job:', old))
          del_keys(keys_of('meta:', old))
          forget_groups(old)
          return #old
        end
        local function forget(ids)
          if #ids == 0 then return end
          del_keys(keys_of('job:', ids))
          del_keys(keys_of('meta:', ids))
          many('HDEL', p .. 'attempts', ids)
          many('HDEL', p .. 'lapses', ids)
          many('ZREM', p .. 'dead', ids)
          forget_groups(ids)
        end
        -- Trims the dead letter to its retention: what is older than max_age_ms, then the oldest
        -- beyond max_jobs. Bounded per call (a burst of deaths is trimmed over the next calls).
        local function trim_dead(max_jobs, max_age_ms)
          forget(redis.call('ZRANGEBYSCORE', p .. 'dead', '-inf', now - max_age_ms, 'LIMIT', 0, 500))
          local excess = redis.call('ZCARD', p .. 'dead') - max_jobs
          if excess > 0 then forget(redis.call('ZRANGE', p .. 'dead', 0, math.min(excess, 500) - 1)) end
        end

        """

    static func script(_ body: String) -> RedisScript { RedisScript(prelude + body) }
}
