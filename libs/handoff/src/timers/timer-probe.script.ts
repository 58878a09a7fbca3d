/**
 * Per session, MISSING's bits. Checking a scheduler and its job, or a deduplication key and its job,
 * catches a partial loss (a replica that lagged) as well as an emptied Redis.
 * KEYS[1]: the repeat key (it routes the call to the queue's node in a Cluster). ARGV: key prefix, the timerKeys id prefixes, then `<id>`, `<queued 0|1>` per session.
 */
export const TIMER_PROBE = `
local repeatKey, prefix, keepalive, inactivity, queueTimeout = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local out = {}
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  local flags = 0
  local scheduler = keepalive .. id
  local nextMillis = redis.call('ZSCORE', repeatKey, scheduler)
  if not nextMillis or redis.call('EXISTS', prefix .. 'repeat:' .. scheduler .. ':' .. nextMillis) == 0 then flags = flags + 1 end
  local inactivityJob = redis.call('GET', prefix .. 'de:' .. inactivity .. id)
  if not inactivityJob or redis.call('EXISTS', prefix .. inactivityJob) == 0 then flags = flags + 2 end
  if ARGV[i + 1] == '1' then
    local job = redis.call('HMGET', prefix .. queueTimeout .. id, 'timestamp', 'finishedOn')
    if not job[1] then flags = flags + 4 elseif job[2] then flags = flags + 8 end
  end
  out[#out + 1] = flags
end
return out
`;

export const MISSING = { keepalive: 1, inactivity: 2, queueTimeout: 4, queueTimeoutFinished: 8 } as const;
