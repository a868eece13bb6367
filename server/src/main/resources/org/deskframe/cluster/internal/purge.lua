-- Removes entries of a node, one page of its index per call; returns the next cursor ("0": done) or "alive".
-- Modes: "dead" (all entries, then the node; only while its liveness has run out), "leave" (the same, unchecked),
-- "older" (entries tagged with a generation below ARGV[3]).
-- KEYS[1] nodes, KEYS[2] the node's index
-- ARGV[1] node, ARGV[2] mode, ARGV[3] generation, ARGV[4] cursor, ARGV[5] page size
local mode = ARGV[2]
if mode == 'dead' then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local until_ = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if until_ and tonumber(until_) >= now then return 'alive' end
end
local below = tonumber(ARGV[3])
local prefix = ARGV[1] .. '/'
local page = redis.call('SSCAN', KEYS[2], ARGV[4], 'COUNT', ARGV[5])
for _, key in ipairs(page[2]) do
  local fields = redis.call('HGETALL', key)
  local kept = 0
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, #prefix) == prefix then
      if mode ~= 'older' or tonumber(fields[i + 1]) < below then
        redis.call('HDEL', key, fields[i])
      else
        kept = kept + 1
      end
    end
  end
  if kept == 0 then redis.call('SREM', KEYS[2], key) end
end
if page[1] == '0' and mode ~= 'older' then
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return page[1]
