import GantryRedis

/// Scripts for operators' view of groups and their limits (see `QueueScripts`, "Groups").
extension QueueScripts {
    /// For the operators' scripts (cold paths): the groups with ready work, in turn or parked
    /// (`waiting_groups(note)` calls `note(group, parked)` for each, a group in turn at several
    /// priorities more than once), and each group's leased count: `grunning` while the queue has
    /// limits, else counted from the leases (`leased` and the `group` hash, bounded by how many
    /// jobs run at once).
    static let groupViews = """
        local function waiting_groups(note)
          for prio = 0, 9 do
            for _, g in ipairs(redis.call('SMEMBERS', p .. 'gringed:' .. prio)) do note(g, false) end
          end
          for _, g in ipairs(redis.call('SMEMBERS', p .. 'gfull')) do note(g, true) end
          for _, g in ipairs(redis.call('ZRANGE', p .. 'gwait', 0, -1)) do note(g, true) end
        end
        local function running_by_group()
          if redis.call('EXISTS', p .. 'glimits') == 1 then
            local flat, counts = redis.call('HGETALL', p .. 'grunning'), {}
            for i = 1, #flat, 2 do counts[flat[i]] = tonumber(flat[i + 1]) end
            return counts
          end
          local counts = {}
          if redis.call('EXISTS', p .. 'group') == 0 then return counts end
          local leased = redis.call('ZRANGE', p .. 'leased', 0, -1)
          local groups = hmget(p .. 'group', leased)
          for i = 1, #leased do
            local g = groups[i]
            if g then counts[g] = (counts[g] or 0) + 1 end
          end
          return counts
        end

        """

    /// ARGV: scope (a group, or `*` for every group), concurrency or "" (none), rate `<n>/<ms>` or
    /// "" (none). The running counts exist exactly while the queue has limits: the first limit
    /// counts the leases running now, and removing the last drops them. Every parked group gets
    /// its turn again, under the new limits (the next lease parks it again if it still must wait).
    /// Returns how many groups were unparked.
    static let setGroupLimit = script(groupViews + """
        local scope, concurrency, rate = ARGV[1], ARGV[2], ARGV[3]
        local had = redis.call('EXISTS', p .. 'glimits') == 1
        local counts = had and {} or running_by_group()
        if concurrency == '' then
          redis.call('HDEL', p .. 'glimits', 'c:' .. scope)
        else
          redis.call('HSET', p .. 'glimits', 'c:' .. scope, concurrency)
        end
        if rate == '' then
          redis.call('HDEL', p .. 'glimits', 'r:' .. scope)
        else
          redis.call('HSET', p .. 'glimits', 'r:' .. scope, rate)
        end
        local has = redis.call('EXISTS', p .. 'glimits') == 1
        if has and not had then
          for g, n in pairs(counts) do redis.call('HSET', p .. 'grunning', g, n) end
        elseif had and not has then
          redis.call('DEL', p .. 'grunning', p .. 'gtat')
        end
        local parked = redis.call('SMEMBERS', p .. 'gfull')
        for _, g in ipairs(redis.call('ZRANGE', p .. 'gwait', 0, -1)) do parked[#parked + 1] = g end
        redis.call('DEL', p .. 'gfull', p .. 'gwait')
        local any = false
        for _, g in ipairs(parked) do
          if unpark(g) then any = true end
        end
        if any then wake() end
        return #parked
        """)

    /// Read-only. ARGV: offset, count. The grouped ready jobs as one list, for listings: groups in
    /// name order (those in turn and those parked), each one's jobs from priority 9 down, oldest
    /// first; `count` IDs from `offset` on. A cold path: it walks what it skips.
    static let groupedReady = script(groupViews + """
        local offset, count = tonumber(ARGV[1]), tonumber(ARGV[2])
        local seen, names = {}, {}
        waiting_groups(function(g)
          if not seen[g] then
            seen[g] = true
            names[#names + 1] = g
          end
        end)
        table.sort(names)
        local out = {}
        for _, g in ipairs(names) do
          for prio = 9, 0, -1 do
            local key = glist(prio, g)
            local n = redis.call('LLEN', key)
            if offset >= n then
              offset = offset - n
            else
              for _, id in ipairs(redis.call('LRANGE', key, offset, offset + count - #out - 1)) do out[#out + 1] = id end
              offset = 0
              if #out >= count then return out end
            end
          end
        end
        return out
        """)

    /// Read-only. ARGV: top. Returns {limits as field, value, ...}, then per group among the `top`
    /// with the most ready + running: group, ready, running, parked (0/1). A cold path: it reads
    /// every group with work (in turn, parked, or running) and each one's ready lists.
    static let groups = script(groupViews + """
        local top = tonumber(ARGV[1])
        local running = running_by_group()
        local work, parked = {}, {}
        local function note(g, is_parked)
          if work[g] == nil then work[g] = running[g] or 0 end
          if is_parked then parked[g] = 1 end
        end
        for g in pairs(running) do note(g, false) end
        waiting_groups(note)
        local ready, names = {}, {}
        for g in pairs(work) do
          local n = 0
          for prio = 0, 9 do n = n + redis.call('LLEN', glist(prio, g)) end
          ready[g] = n
          work[g] = work[g] + n
          if work[g] > 0 then names[#names + 1] = g end
        end
        table.sort(names, function(a, b)
          if work[a] ~= work[b] then return work[a] > work[b] end
          return a < b
        end)
        local out = { redis.call('HGETALL', p .. 'glimits') }
        for i = 1, math.min(top, #names) do
          local g = names[i]
          out[#out + 1] = { g, ready[g], running[g] or 0, parked[g] or 0 }
        end
        return out
        """)
}
