-- One step of an escalation (taken, handed on, closed), only if it is still as it was read (compare and set).
-- KEYS[1] the escalation's key, KEYS[2] the open hash (agent -> id)
-- ARGV[1] the JSON as read, ARGV[2] the new JSON, ARGV[3] agent, ARGV[4] id, ARGV[5] "1" when this step closes it
-- Returns 1 when written; 0 when it changed since it was read, and nothing was written.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[5] == '1' and redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[4] then
  redis.call('HDEL', KEYS[2], ARGV[3])
end
return 1
