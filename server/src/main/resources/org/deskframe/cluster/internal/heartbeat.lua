-- Touches a node's liveness; says whether it was still alive and lists nodes whose liveness ran out.
-- KEYS[1] nodes (sorted set: node -> live until, ms of Redis's clock)
-- ARGV[1] node, ARGV[2] ttl in ms
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local alive = 0
if previous and tonumber(previous) >= now then alive = 1 end
return {alive, redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, 16)}
