-- Adds (or retags) entries of one node: field "<node>/<member>" = generation in each hash, and the hash in the
-- node's index (for sweeping).
-- KEYS[1] the node's index (set of hash keys)
-- ARGV[1] node, ARGV[2] generation, then pairs: hash key, member
local node = ARGV[1]
for i = 3, #ARGV, 2 do
  redis.call('HSET', ARGV[i], node .. '/' .. ARGV[i + 1], ARGV[2])
  redis.call('SADD', KEYS[1], ARGV[i])
end
return #ARGV
