import GantryRedis

extension QueueScripts {
    /// ARGV: n, then per job: id, priority, runAtMs, uniqueKey or "", uniqueForMs, body, group or "".
    /// Returns per job 1 (stored, or already stored under that ID) or the ID of the job holding
    /// its unique key.
    ///
    /// Redis does not undo a script's writes when a later command in it fails, so the order is
    /// what keeps a failure harmless: every argument is checked before the first write; the
    /// bodies are written before anything points at them; the unique locks come last. A failure
    /// part-way can then at worst leave a job without its lock (a later duplicate is accepted),
    /// never a lock that dedupes to a job that does not exist.
    static let enqueue = script("""
        local n = tonumber(ARGV[1])
        local function bad(i, why)
          return redis.error_reply('ERR gantry enqueue: job ' .. (i + 1) .. ' (' .. tostring(ARGV[2 + i * 7]) .. '): ' .. why)
        end
        if not n or #ARGV ~= 1 + n * 7 then
          return redis.error_reply('ERR gantry enqueue: ' .. (#ARGV - 1) .. ' arguments for ' .. tostring(n) .. ' jobs of 7 fields each')
        end
        for i = 0, n - 1 do
          local b = 2 + i * 7
          local prio, run_at, ufor = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 4])
          if not prio or prio ~= math.floor(prio) or prio < 0 or prio > 9 then return bad(i, 'priority outside 0..9') end
          if not run_at or run_at ~= math.floor(run_at) or run_at < 0 then return bad(i, 'run-at is not a time') end
          if ARGV[b + 3] ~= '' and (not ufor or ufor ~= math.floor(ufor) or ufor < 1 or ufor > 1e12) then
            return bad(i, 'uniqueness window outside 1..1e12 ms')
          end
        end
        local out, ready, stored, bodies, locks, claimed, seen = {}, {}, {}, {}, {}, {}, {}
        -- Grouped: `grouped[prio][group]` lists in enqueue order, groups in first-seen order.
        local grouped, group_order, members = {}, {}, {}
        for i = 0, n - 1 do
          local b = 2 + i * 7
          local id, prio, run_at, ukey = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2]), ARGV[b + 3]
          local holder = nil
          if ukey ~= '' then
            holder = claimed[ukey] or redis.call('GET', p .. 'unique:' .. ukey)
          end
          if seen[id] or redis.call('EXISTS', p .. 'job:' .. id) == 1 then
            -- Stored by an earlier call whose reply was lost: a retry with the same IDs is safe.
            out[#out + 1] = 1
          elseif holder then
            out[#out + 1] = holder
          else
            if ukey ~= '' then
              claimed[ukey] = id
              locks[#locks + 1] = { ukey, id, ARGV[b + 4] }
            end
            bodies[#bodies + 1] = p .. 'job:' .. id
            bodies[#bodies + 1] = ARGV[b + 5]
            local g = ARGV[b + 6]
            if g ~= '' then
              members[#members + 1] = id
              members[#members + 1] = g
            end
            if run_at > now then
              local l = ready.delayed or {}
              ready.delayed = l
              l[#l + 1] = run_at
              l[#l + 1] = id
            elseif g ~= '' then
              local byGroup = grouped[prio]
              if not byGroup then
                byGroup = {}
                grouped[prio] = byGroup
              end
              if not byGroup[g] then
                byGroup[g] = {}
                group_order[#group_order + 1] = { prio, g }
              end
              local l = byGroup[g]
              l[#l + 1] = id
            else
              local l = ready[prio]
              if not l then l = {}; ready[prio] = l end
              l[#l + 1] = id
            end
            stored[#stored + 1] = id
            seen[id] = true
            out[#out + 1] = 1
          end
        end
        for i = 1, #bodies, 1000 do
          redis.call('MSET', unpack(bodies, i, math.min(i + 999, #bodies)))
        end
        if #members > 0 then many('HSET', p .. 'group', members, 2000) end
        local any = #group_order > 0
        for _, pg in ipairs(group_order) do
          push_grouped(pg[1], pg[2], grouped[pg[1]][pg[2]], false)
        end
        for prio, ids in pairs(ready) do
          if prio == 'delayed' then
            many('ZADD', p .. 'delayed', ids, 2000)
          else
            many('RPUSH', p .. 'ready:' .. prio, ids)
            redis.call('ZADD', p .. 'prios', prio, prio)
            any = true
          end
        end
        for _, l in ipairs(locks) do
          redis.call('SET', p .. 'unique:' .. l[1], l[2], 'PX', l[3])
        end
        if any then wake() end
        event('enqueued', stored)
        return out
        """)
}
