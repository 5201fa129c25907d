--[==[
  Moves records of a day's call log from its sorted set into the day's compressed archive, atomically: the archive
  is replaced only if it is still the one the caller read and merged, and only the records the caller put in it
  leave the sorted set (a record written meanwhile stays there, and wins over the archive when read).

  KEYS[1]  the day's call log (sorted set: record -> start)
  KEYS[2]  the day's archive (string: the compressed records)

  ARGV[1]  SHA-1 of the archive the caller read ("" when there was none)
  ARGV[2]  the new archive
  ARGV[3]  its time to live in ms (0: for ever)
  ARGV[4 ..] the records it now holds that leave the sorted set

  Returns the number of records removed from the sorted set, or -1 when the archive changed meanwhile (nothing written).
]==]
local current = redis.call('GET', KEYS[2])
local sha = current and redis.sha1hex(current) or ''
if sha ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[2], ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
local removed = 0
for i = 4, #ARGV, 1000 do
  removed = removed + redis.call('ZREM', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return removed
