-- What a scope that shows agents by name (a team, or one agent) is built from, in one command instead of one per key
-- (a team of 40 was 122 commands, and the client's cost per command was most of the read). Reads only.
-- KEYS[1] live:seen, KEYS[2] live:state, KEYS[3 .. 2+S] the counter hashes to sum (the agents' day hashes),
-- then for agent i (1..N): KEYS[2+S+2i-1] its open parts, KEYS[2+S+2i] its parts in wrap-up
-- ARGV[1] S, ARGV[2 .. 1+N] the agents
-- Returns { counters summed over the S hashes (field, value, ...), per agent: times seen (false: never), last
-- agent.state JSON (false: none), score of its earliest open part ('' none), of its earliest part in wrap-up ('' none) }.
-- Counters are integers (HINCRBY), summed as Lua numbers: exact below 2^53.
local S = tonumber(ARGV[1])
local N = #ARGV - 1
local sums, order = {}, {}
for i = 3, 2 + S do
  local flat = redis.call('HGETALL', KEYS[i])
  for j = 1, #flat, 2 do
    local field, value = flat[j], tonumber(flat[j + 1])
    if sums[field] == nil then
      order[#order + 1] = field
      sums[field] = value
    else
      sums[field] = sums[field] + value
    end
  end
end
local counters = {}
for _, field in ipairs(order) do
  counters[#counters + 1] = field
  counters[#counters + 1] = string.format('%.0f', sums[field])
end
local seen, states, onCall, inWrap = {}, {}, {}, {}
local function earliest(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #first == 2 then return first[2] end
  return ''
end
for i = 1, N do
  local agent = ARGV[1 + i]
  seen[i] = redis.call('HGET', KEYS[1], agent)
  states[i] = redis.call('HGET', KEYS[2], agent)
  onCall[i] = earliest(KEYS[2 + S + 2 * i - 1])
  inWrap[i] = earliest(KEYS[2 + S + 2 * i])
end
return { counters, seen, states, onCall, inWrap }
