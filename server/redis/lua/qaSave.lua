--[==[
  Saves a quality form or evaluation only if nobody saved it since the caller read it (compare and set on its
  `seq` field), and, when it is new, lists it in its log: two supervisors editing one draft cannot lose a change.

  KEYS[1]  the form's or evaluation's hash (fields: seq and the caller's)
  KEYS[2]  its log (sorted set: id -> created at, epoch ms)

  ARGV[1]  the seq the caller read ("" when it expects the hash not to exist yet)
  ARGV[2]  the id, listed in the log when the hash is new
  ARGV[3]  created at, epoch ms (the log's score)
  ARGV[4 ..] field, value pairs to write

  Returns the new seq, or -1 when the hash changed (or exists, or is gone) since it was read (nothing written).
]==]
local seq = redis.call('HGET', KEYS[1], 'seq')
if (seq or '') ~= ARGV[1] then return -1 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local next = (tonumber(seq) or 0) + 1
redis.call('HSET', KEYS[1], 'seq', next, unpack(fields))
if not seq then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
return next
