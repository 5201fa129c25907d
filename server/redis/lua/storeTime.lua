--[==[
  Redis's clock, read on the node that serves the centre: the health probe, and what puts a batch's deadline on
  Redis's own clock (redis/storeClock.ts, applyBatch.lua ARGV[8]).

  KEYS[1]  any key of the centre (not read): on a Cluster it sends the call to the centre's slot

  Returns TIME: { seconds, microseconds } since the epoch.
]==]
return redis.call('TIME')
