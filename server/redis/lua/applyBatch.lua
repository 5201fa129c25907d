--[==[
  Applies a whole batch: adds each entity's (a call's or an agent's) new events and applies the change of
  its contribution, all or nothing. Every check runs before the first write, so a batch that fails a
  check (a version moved, a key of the wrong type, a counter that would leave the safe-integer range)
  leaves Redis exactly as it was.

  KEYS[2e-1], KEYS[2e]  the events hash (event id -> event JSON) and meta hash of entity e (1-based)
  KEYS[2E+1]            the index of accepted event ids (event id -> entity), across every call and agent
  KEYS[2E+2]            when an event last arrived (epoch ms), set from ARGV[9]
  KEYS[2E+3 ..]         every key an operation touches; those from index ARGV[3] on expire (counters)

  ARGV[1] E, the number of entities           ARGV[2] the fingerprint of the figure rules
  ARGV[3] index in KEYS of the first expiring key (#KEYS + 1 when none)
  ARGV[4] the entities' time to live in ms (0: for ever)
  ARGV[5] the expiring keys' time to live in ms (0: for ever)
  ARGV[6] the entities, one JSON array (one argument: far cheaper to send than one per value), each
          [name, expected version ("0" when new), force (1: apply even with no new event, for sweeps),
           [meta field, value, ...], n new events, [event id to drop, ...], [op, key index, field, value, ...]]
  ARGV[7] the agents' live-state keys, one JSON array of KEYS indexes: [seen, states, open parts, wrap parts,
          bucket, counts], or [] when no operation touches the first four (see below)
  ARGV[8] the deadline, epoch ms on Redis's clock (0: none): from then on (TIME) the batch is refused, so a copy
          that waited past it (Redis paused, a resend after a reconnect) cannot write what was answered 503
  ARGV[9] when the batch arrived, epoch ms, for KEYS[2E+2] ("": leave it)
  ARGV[10 ..] the new events, entity after entity: n pairs (event id, event JSON) each
          ops: "c" HINCRBY (the field is dropped at 0)   "z" ZADD key value field   "Z" ZREM key field
               "h" HSET key field value                  "H" HDEL key field
          Every value is a string (a Lua number would be written as 1e+15).

  Agents' counts by state: every agent whose seen count, latest state, open parts or parts in wrap an operation
  changes is put in its bucket again (onCall if it has an open part, else wrap if a part is in after-call work,
  else its latest agent.state, else available; no bucket once it is not seen), and the counts by bucket follow.
  server/redis/buckets.ts holds the same rule for the audit.

  Returns an array: per entity, the number of its events that were new (0: nothing written for it);
  or {-1, e, ...} the entities whose version moved, or that carry an id another entity took meanwhile
  (nothing written: re-read them and retry);
  or {-2, message} a check failed (nothing written);
  or {-3, ms} it ran ms past its deadline (nothing written).
]==]
local deadline = tonumber(ARGV[8])
if deadline > 0 then
  -- TIME is allowed in a script under effects replication (the default from Redis 5, the only mode from 7).
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  if now >= deadline then return { -3, now - deadline } end
end
local E = tonumber(ARGV[1])
local LIMIT = 9007199254740991 - 1099511627776 -- 2^53 - 1 - 2^40
local LARGE_STEP = 1048576 -- 2^20

-- The plan, as decoded: per entity {name, version, force, meta, n, drops, ops}; `first` is where its events start in ARGV.
local entities = cjson.decode(ARGV[6])
local bucketKeys = cjson.decode(ARGV[7])
local at = 10
for e = 1, E do
  entities[e].first = at
  at = at + 2 * entities[e][5]
end

-- Check 1: nobody changed an entity since the caller read it, and no new id was taken by another entity.
-- Check 2 on the way: which events are new; an entity with none (and not forced) is left alone.
local idsKey = KEYS[2 * E + 1]
local moved = {}
local fresh = {}
for e = 1, E do
  local entity = entities[e]
  local count, taken = 0, false
  local version = redis.call('HGET', KEYS[2 * e], 'v') or '0'
  if version == entity[2] then
    for a = entity.first, entity.first + 2 * entity[5] - 1, 2 do
      if redis.call('HEXISTS', KEYS[2 * e - 1], ARGV[a]) == 0 then
        if redis.call('HEXISTS', idsKey, ARGV[a]) == 1 then taken = true else count = count + 1 end
      end
    end
  end
  if version ~= entity[2] or taken then moved[#moved + 1] = e end
  fresh[e] = count
  entity.apply = count > 0 or entity[3] == 1
end
if #moved > 0 then
  table.insert(moved, 1, -1)
  return moved
end

-- Check 3: every key holds what it should (a hash, a sorted set, or nothing yet), and no counter leaves the
-- safe-integer range. A counter can only get near the limit through large steps (times are bounded, so one
-- step is at most ~10^12), so only steps of 2^20 or more are checked, against the limit less 2^40 of
-- headroom: the small steps left unchecked would need over a million calls in one interval of one scope.
local checked = {}
local function expect(index, wanted)
  if checked[index] then return nil end
  checked[index] = true
  local t = redis.call('TYPE', KEYS[index])['ok']
  if t ~= wanted and t ~= 'none' then return 'key ' .. KEYS[index] .. ' holds a ' .. t .. ', not a ' .. wanted end
  return nil
end
local pending = {}
for _, index in ipairs(bucketKeys) do
  local problem = expect(index, 'hash')
  if problem then return { -2, problem } end
end
for e = 1, E do
  local entity = entities[e]
  if entity.apply then
    -- An entity's own keys were read above (HGET, HEXISTS): one of the wrong type has already failed the script
    -- before any write.
    local o = entity[7]
    for i = 1, #o, 4 do
      local kind, index, field = o[i], o[i + 1], o[i + 2]
      local problem = expect(index, (kind == 'z' or kind == 'Z') and 'zset' or 'hash')
      if problem then return { -2, problem } end
      if kind == 'c' then
        local delta = tonumber(o[i + 3])
        if delta == nil or delta ~= math.floor(delta) then return { -2, 'counter delta ' .. o[i + 3] .. ' is not an integer' } end
        if delta >= LARGE_STEP or delta <= -LARGE_STEP then
          local slot = index .. '\0' .. field
          local value = pending[slot] or tonumber(redis.call('HGET', KEYS[index], field) or '0')
          if value == nil then return { -2, 'counter ' .. KEYS[index] .. ' ' .. field .. ' is not a number' } end
          value = value + delta
          if value > LIMIT or value < -LIMIT then return { -2, 'counter ' .. KEYS[index] .. ' ' .. field .. ' would overflow' } end
          pending[slot] = value
        end
      end
    end
  end
end

-- Every check passed: write.
local entityTtl, counterTtl, firstExpiring = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[3])
local touched = {}
local sources = {}
for i = 1, 4 do if bucketKeys[i] then sources[bucketKeys[i]] = true end end
local agentsMoved = {}
for e = 1, E do
  local entity = entities[e]
  if entity.apply then
    local eventsKey, metaKey = KEYS[2 * e - 1], KEYS[2 * e]
    for a = entity.first, entity.first + 2 * entity[5] - 1, 2 do
      redis.call('HSETNX', eventsKey, ARGV[a], ARGV[a + 1])
      redis.call('HSETNX', idsKey, ARGV[a], entity[1])
    end
    for _, id in ipairs(entity[6]) do redis.call('HDEL', eventsKey, id) end
    local o = entity[7]
    for i = 1, #o, 4 do
      local kind, index, field, value = o[i], o[i + 1], o[i + 2], o[i + 3]
      local key = KEYS[index]
      if kind == 'c' then
        if redis.call('HINCRBY', key, field, value) == 0 then redis.call('HDEL', key, field) end
      elseif kind == 'z' then
        redis.call('ZADD', key, value, field)
      elseif kind == 'Z' then
        redis.call('ZREM', key, field)
      elseif kind == 'h' then
        redis.call('HSET', key, field, value)
      elseif kind == 'H' then
        redis.call('HDEL', key, field)
      end
      if index >= firstExpiring then touched[index] = true end
      if sources[index] then agentsMoved[field] = true end
    end
    redis.call('HSET', metaKey, 'v', tostring(tonumber(entity[2]) + 1), 'r', ARGV[2], unpack(entity[4]))
    if entityTtl > 0 then
      redis.call('PEXPIRE', eventsKey, entityTtl)
      redis.call('PEXPIRE', metaKey, entityTtl)
    end
  end
end
if #bucketKeys == 6 then
  local seenKey, statesKey, openKey, wrapKey = KEYS[bucketKeys[1]], KEYS[bucketKeys[2]], KEYS[bucketKeys[3]], KEYS[bucketKeys[4]]
  local bucketKey, countsKey = KEYS[bucketKeys[5]], KEYS[bucketKeys[6]]
  for agent in pairs(agentsMoved) do
    local bucket = false
    if tonumber(redis.call('HGET', seenKey, agent) or '0') > 0 then
      if tonumber(redis.call('HGET', openKey, agent) or '0') > 0 then
        bucket = 'onCall'
      elseif tonumber(redis.call('HGET', wrapKey, agent) or '0') > 0 then
        bucket = 'wrap'
      else
        local latest = redis.call('HGET', statesKey, agent)
        bucket = latest and cjson.decode(latest).state or 'available'
      end
    end
    local was = redis.call('HGET', bucketKey, agent)
    if was ~= bucket then
      if was and redis.call('HINCRBY', countsKey, was, -1) == 0 then redis.call('HDEL', countsKey, was) end
      if bucket then
        redis.call('HINCRBY', countsKey, bucket, 1)
        redis.call('HSET', bucketKey, agent, bucket)
      else
        redis.call('HDEL', bucketKey, agent)
      end
    end
  end
end
if counterTtl > 0 then
  for index in pairs(touched) do redis.call('PEXPIRE', KEYS[index], counterTtl) end
end
if ARGV[9] ~= '' then redis.call('SET', KEYS[2 * E + 2], ARGV[9]) end
return fresh
