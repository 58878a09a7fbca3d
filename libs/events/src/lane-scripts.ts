// Lua, so appends, steps, renewals and releases of one lane never interleave.

// {accepted, owned, head}. A redelivered item may still take a lane left with items and no holder
// (a crash between the write and the drain).
export const ACCEPT = `
local accepted = 0
local length = 0
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  length = redis.call('RPUSH', KEYS[2], ARGV[2])
  accepted = 1
else
  length = redis.call('LLEN', KEYS[2])
  if length == 0 then return {0, 0} end
end
if redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[6])
  -- The head is the new item itself when the lane was empty: the caller has it already.
  if accepted == 1 and length == 1 then return {1, 1} end
  return {accepted, 1, redis.call('LINDEX', KEYS[2], 0)}
end
return {accepted, 0}`;

// Freeing an empty lane is atomic with appends, so no item is left without a holder. {-1}: the lease
// is held elsewhere.
export const STEP = `
if ARGV[5] == 'claim' then
  if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {-1} end
else
  if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {-1} end
  redis.call('LPOP', KEYS[1])
end
local head = redis.call('LINDEX', KEYS[1], 0)
if head then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
  return {1, head}
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[4])
return {0}`;

export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

// Only if the lease still carries the dead holder's token.
export const TAKEOVER = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('EXISTS', KEYS[4]) == 1 then return {-1} end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
local head = redis.call('LINDEX', KEYS[1], 0)
if head then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
  return {1, head}
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[5])
return {0}`;
