-- A failure record: the failures within a window (a sorted set of times) and the consecutive count since the last
-- success; both expire one window after the last failure. Returns {consecutive, in window, ms since oldest, ms since latest}.
-- KEYS[1] failure times, KEYS[2] consecutive count
-- ARGV[1] "fail" | "read" | "success", ARGV[2] window in ms, ARGV[3] most failures kept
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
local op = ARGV[1]
if op == 'success' then
  if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SET', KEYS[2], '0', 'KEEPTTL') end
elseif op == 'fail' then
  local consecutive = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], now, t[1] .. '.' .. t[2] .. ':' .. consecutive)
  local keep = tonumber(ARGV[3])
  local n = redis.call('ZCARD', KEYS[1])
  if n > keep then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - keep - 1) end
  redis.call('PEXPIRE', KEYS[1], window)
  redis.call('PEXPIRE', KEYS[2], window)
end
local consecutive = tonumber(redis.call('GET', KEYS[2]) or '0')
local n = redis.call('ZCARD', KEYS[1])
if n == 0 then return {consecutive, 0, 0, 0} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return {consecutive, n, now - tonumber(oldest[2]), now - tonumber(latest[2])}
