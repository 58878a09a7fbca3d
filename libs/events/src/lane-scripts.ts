// The lanes' Redis scripts. Each runs atomically, so appends, steps, renewals and releases of one
// lane never interleave.

// Dedupe, append, and try to take the lane, in one atomic step. Returns {accepted, owned, head}:
// a new item is appended; whoever wins the lease drains the lane (starting from its head). A
// redelivered item is not appended again, but it may still take a lane left with items and no
// holder (a crash between the write and the drain).
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

// One step of a lane's holder. 'next': drop the handled head (the caller must still hold the
// lease); 'claim': take a lane nobody holds (drain jobs, the sweeper). Then renew the lease and
// return the next head, or free the lane when it is empty. Appends and this check are atomic, so
// no item is ever left behind without a holder. {-1}: the lease was lost (expired and taken), or
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

// Extends the lease of a holder whose handler is still running. 0: the lease is someone else's now.
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

// Gives the lane back with its head still in place (a hand-over to a drain job, a shutdown).
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

// Takes a lane whose lease is still set but whose holder's process stopped beating (its instance
// key expired): only if the lease still carries that holder's token. Then as a claim.
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
