-- Raises an escalation unless the agent already has a live one (one at a time per agent).
-- KEYS[1] the open hash (agent -> id), KEYS[2] the new escalation's key, KEYS[3] the log (sorted set by raised time)
-- ARGV[1] agent, ARGV[2] id, ARGV[3] the escalation's JSON, ARGV[4] raised at (epoch ms)
-- Returns "" when raised; else the id of the agent's live escalation, and nothing was written.
local live = redis.call('HGET', KEYS[1], ARGV[1])
if live then return live end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
return ''
