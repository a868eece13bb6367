-- Takes one of ARGV[3] slots of a hash for a holder of a node, counting only live nodes' slots (the calling node is
-- live). Returns {granted 0/1, slots held after}.
-- KEYS[1] nodes, KEYS[2] hash key, KEYS[3] the node's index
-- ARGV[1] node, ARGV[2] holder, ARGV[3] limit, ARGV[4] generation
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mine = ARGV[1] .. '/' .. ARGV[2]
local alive = {}
alive[ARGV[1]] = true
local held, has = 0, false
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  local node = string.match(field, '^([^/]+)/')
  if node then
    local a = alive[node]
    if a == nil then
      local until_ = redis.call('ZSCORE', KEYS[1], node)
      a = (until_ and tonumber(until_) >= now) or false
      alive[node] = a
    end
    if a then
      held = held + 1
      if field == mine then has = true end
    end
  end
end
if has then
  redis.call('HSET', KEYS[2], mine, ARGV[4])
  return {1, held}
end
if held < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[2], mine, ARGV[4])
  redis.call('SADD', KEYS[3], KEYS[2])
  return {1, held + 1}
end
return {0, held}
