--[[
  Adds an entity's (a call's or an agent's) new events and applies the change of its contribution,
  atomically, if nobody changed the entity since the caller read it.

  KEYS[1] events hash of the entity (event id -> event JSON)
  KEYS[2] meta hash of the entity (v -> version, r -> fingerprint of the figure rules applied)

  ARGV[1] expected version ("0" when the entity is new)
  ARGV[2] the fingerprint of the figure rules the new contribution was computed under
  ARGV[3] n, the number of events, followed by n pairs: id, event JSON
  then    m, the number of operations, followed by m quadruples: op, key, field, value
          op "c": HINCRBY key field value (the field is dropped when it reaches 0)
          op "z": ZADD key value field       op "Z": ZREM key field
          op "h": HSET key field value       op "H": HDEL key field
  then    the entity's time to live in ms (0: for ever), the counters' time to live in ms (0: for
          ever), and the prefix of counter keys that expire (the live keys never do)

  Returns the number of events that were new (0: all duplicates, nothing written),
  or -1 when the version changed (the caller re-reads and retries).
]]
local version = redis.call('HGET', KEYS[2], 'v') or '0'
if version ~= ARGV[1] then
  return -1
end

local n = tonumber(ARGV[3])
local fresh = 0
for i = 0, n - 1 do
  local id = ARGV[4 + i * 2]
  if redis.call('HEXISTS', KEYS[1], id) == 0 then
    fresh = fresh + 1
  end
end
if fresh == 0 then
  return 0
end
for i = 0, n - 1 do
  redis.call('HSETNX', KEYS[1], ARGV[4 + i * 2], ARGV[5 + i * 2])
end

local base = 4 + n * 2
local m = tonumber(ARGV[base])
for i = 0, m - 1 do
  local at = base + 1 + i * 4
  local op, key, field, value = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  if op == 'c' then
    if redis.call('HINCRBY', key, field, value) == 0 then
      redis.call('HDEL', key, field)
    end
  elseif op == 'z' then
    redis.call('ZADD', key, value, field)
  elseif op == 'Z' then
    redis.call('ZREM', key, field)
  elseif op == 'h' then
    redis.call('HSET', key, field, value)
  elseif op == 'H' then
    redis.call('HDEL', key, field)
  end
end

redis.call('HSET', KEYS[2], 'v', tostring(tonumber(version) + 1), 'r', ARGV[2])

local tail = base + 1 + m * 4
local entityTtl, counterTtl, expiring = tonumber(ARGV[tail]), tonumber(ARGV[tail + 1]), ARGV[tail + 2]
if entityTtl > 0 then
  redis.call('PEXPIRE', KEYS[1], entityTtl)
  redis.call('PEXPIRE', KEYS[2], entityTtl)
end
if counterTtl > 0 then
  local seen = {}
  for i = 0, m - 1 do
    local key = ARGV[base + 2 + i * 4]
    if not seen[key] and string.sub(key, 1, #expiring) == expiring then
      seen[key] = true
      redis.call('PEXPIRE', key, counterTtl)
    end
  end
end
return fresh
