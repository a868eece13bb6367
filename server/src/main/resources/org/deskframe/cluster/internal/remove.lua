-- Removes one entry of a node; the hash leaves the node's index when the node has no other entry in it.
-- KEYS[1] the node's index, KEYS[2] hash key
-- ARGV[1] node, ARGV[2] member
local prefix = ARGV[1] .. '/'
redis.call('HDEL', KEYS[2], prefix .. ARGV[2])
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(field, 1, #prefix) == prefix then return 1 end
end
redis.call('SREM', KEYS[1], KEYS[2])
return 0
