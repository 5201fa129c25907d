--[==[
  Raises a manual banner only while fewer than the most allowed are active, and records it in the history, at once:
  every screen gets the whole active list on every change, so the list must stay small whatever the callers do.

  KEYS[1]  the active banners (hash: id -> banner JSON)
  KEYS[2]  the history (stream, capped near ARGV[4] entries)

  ARGV[1]  the banner's id
  ARGV[2]  the banner, JSON
  ARGV[3]  the most banners that may be active at once
  ARGV[4]  the history's length (approximate MAXLEN)

  Returns 1 when raised, 0 when the most are active already (nothing written).
]==]
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'action', 'raised', 'banner', ARGV[2])
return 1
