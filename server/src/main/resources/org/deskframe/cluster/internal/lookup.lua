-- Entries of a hash per live node: {node, count, node, count, ...}. Entries of nodes whose liveness ran out do not
-- count (the heartbeat of a live node sweeps them).
-- KEYS[1] nodes, KEYS[2] hash key
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local alive, counts, order = {}, {}, {}
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
      if counts[node] == nil then
        counts[node] = 0
        order[#order + 1] = node
      end
      counts[node] = counts[node] + 1
    end
  end
end
local out = {}
for _, node in ipairs(order) do
  out[#out + 1] = node
  out[#out + 1] = counts[node]
end
return out
