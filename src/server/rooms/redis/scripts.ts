/**
 * The registry's changes as Lua scripts: each runs atomically in Redis, so a capacity check
 * and the seat it grants are one step for the whole cluster. Times come from Redis (TIME),
 * never from a node's clock.
 *
 * Keys (P is the prefix, "roomcall:"):
 *   P room:<room>        hash: peer id → "<node> <epoch> <order> <profile>" (profile: "-", or v/u + the name in base64url)
 *   P rooms              set of room names (the room limit counts it)
 *   P version            counter: room versions and seat epochs, never reused
 *   P nodes              sorted set: node → when its lease runs out (ms)
 *   P node-seats:<node>  set of "<room> <id>" the node holds
 *   P held               sorted set: "<room> <id> <epoch>" handed back → when it is freed (ms)
 * A room's state is returned as { version, id, node, epoch, profile, id, … } in join order.
 */

const PRELUDE = `
local P = ARGV[1]
local function roomKey(r) return P .. 'room:' .. r end
local function seatsKey(n) return P .. 'node-seats:' .. n end
local function split(s) local t = {} for w in string.gmatch(s, '%S+') do t[#t + 1] = w end return t end
local function nowMs() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
local function bump() return redis.call('INCR', P .. 'version') end
local function state(r, version)
  local all = redis.call('HGETALL', roomKey(r))
  local seats = {}
  for i = 1, #all, 2 do
    local f = split(all[i + 1])
    seats[#seats + 1] = { all[i], f[1], f[2], tonumber(f[3]), f[4] or '-' }
  end
  table.sort(seats, function(a, b) return a[4] < b[4] end)
  local out = { version }
  for _, s in ipairs(seats) do out[#out + 1] = s[1]; out[#out + 1] = s[2]; out[#out + 1] = s[3]; out[#out + 1] = s[5] end
  return out
end
local function drop(r, id, node)
  redis.call('HDEL', roomKey(r), id)
  redis.call('SREM', seatsKey(node), r .. ' ' .. id)
  if redis.call('HLEN', roomKey(r)) == 0 then redis.call('SREM', P .. 'rooms', r) end
end
`;

/** ARGV: P, room, id, node, capacity, maxRooms, profile → {'seated', version, replacedNode, replacedEpoch, state} | {'full'} | {'room-limit'} */
const JOIN = `
local r, id, node, cap, maxRooms, prof = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local key = roomKey(r)
local cur = redis.call('HGET', key, id)
if cur then
  -- A resume: the seat changes hands, whatever the capacity, and keeps its place (and its
  -- profile, unless the resuming join brings one).
  local f = split(cur)
  local v = bump()
  if prof == '-' then prof = f[4] or '-' end
  redis.call('SREM', seatsKey(f[1]), r .. ' ' .. id)
  redis.call('ZREM', P .. 'held', r .. ' ' .. id .. ' ' .. f[2])
  redis.call('HSET', key, id, node .. ' ' .. v .. ' ' .. f[3] .. ' ' .. prof)
  redis.call('SADD', seatsKey(node), r .. ' ' .. id)
  return { 'seated', v, f[1], f[2], state(r, v) }
end
local n = redis.call('HLEN', key)
if n >= cap then return { 'full' } end
if n == 0 and redis.call('SCARD', P .. 'rooms') >= maxRooms then return { 'room-limit' } end
local v = bump()
redis.call('HSET', key, id, node .. ' ' .. v .. ' ' .. v .. ' ' .. prof)
redis.call('SADD', P .. 'rooms', r)
redis.call('SADD', seatsKey(node), r .. ' ' .. id)
return { 'seated', v, '', '0', state(r, v) }
`;

/** ARGV: P, room, id, epoch → {node, epoch, state} | nil when that seat is not there */
const LEAVE = `
local r, id = ARGV[2], ARGV[3]
local cur = redis.call('HGET', roomKey(r), id)
if not cur then return false end
local f = split(cur)
if f[2] ~= ARGV[4] then return false end
drop(r, id, f[1])
redis.call('ZREM', P .. 'held', r .. ' ' .. id .. ' ' .. f[2])
return { f[1], f[2], state(r, bump()) }
`;

/** ARGV: P, room → state, at the current version */
const ROOM = `
return state(ARGV[2], tonumber(redis.call('GET', P .. 'version') or '0'))
`;

/** ARGV: P, node, leaseMs → the lease's end (ms) */
const RENEW = `
local expiry = nowMs() + tonumber(ARGV[3])
redis.call('ZADD', P .. 'nodes', expiry, ARGV[2])
return expiry
`;

/**
 * ARGV: P → {{room, reason, state}, …}: frees the seats of nodes whose lease ran out
 * ('timeout') and handed-back seats nobody resumed in time ('closed').
 */
const SWEEP = `
local now = nowMs()
local changed = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now)) do
  for _, m in ipairs(redis.call('SMEMBERS', seatsKey(node))) do
    local t = split(m)
    local cur = redis.call('HGET', roomKey(t[1]), t[2])
    if cur and split(cur)[1] == node then
      drop(t[1], t[2], node)
      changed[t[1]] = 'timeout'
    end
  end
  redis.call('DEL', seatsKey(node))
  redis.call('ZREM', P .. 'nodes', node)
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'held', '-inf', now)) do
  local t = split(m)
  local cur = redis.call('HGET', roomKey(t[1]), t[2])
  if cur then
    local f = split(cur)
    if f[2] == t[3] then
      drop(t[1], t[2], f[1])
      changed[t[1]] = changed[t[1]] or 'closed'
    end
  end
end
redis.call('ZREMRANGEBYSCORE', P .. 'held', '-inf', now)
local out = {}
for r, reason in pairs(changed) do out[#out + 1] = { r, reason, state(r, bump()) } end
return out
`;

/** ARGV: P, node, graceMs: the node's seats are freed after graceMs unless resumed; it is no longer alive. */
const HAND_BACK = `
local node = ARGV[2]
local deadline = nowMs() + tonumber(ARGV[3])
for _, m in ipairs(redis.call('SMEMBERS', seatsKey(node))) do
  local t = split(m)
  local cur = redis.call('HGET', roomKey(t[1]), t[2])
  if cur then
    local f = split(cur)
    if f[1] == node then redis.call('ZADD', P .. 'held', deadline, m .. ' ' .. f[2]) end
  end
end
redis.call('ZREM', P .. 'nodes', node)
return 1
`;

/**
 * ARGV: P, node, leaseMs, highest version the node knows, then room, id, epoch, profile of each seat
 * it holds → {{{room, state}, …}, {room, id, epoch, …}}: puts back its seats that are
 * missing, frees those it holds no more, and names those another node took meanwhile.
 */
const REASSERT = `
local node = ARGV[2]
-- A store that restarted counts from 0 again: go on above what this node has seen.
if tonumber(ARGV[4]) > tonumber(redis.call('GET', P .. 'version') or '0') then redis.call('SET', P .. 'version', ARGV[4]) end
redis.call('ZADD', P .. 'nodes', nowMs() + tonumber(ARGV[3]), node)
local mine, changed, lost = {}, {}, {}
for i = 5, #ARGV, 4 do
  local r, id, epoch, prof = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  mine[r .. ' ' .. id] = true
  local cur = redis.call('HGET', roomKey(r), id)
  if not cur then
    redis.call('HSET', roomKey(r), id, node .. ' ' .. epoch .. ' ' .. epoch .. ' ' .. prof)
    redis.call('SADD', P .. 'rooms', r)
    redis.call('SADD', seatsKey(node), r .. ' ' .. id)
    changed[r] = true
  else
    local f = split(cur)
    if f[1] == node and f[2] == epoch then
      redis.call('SADD', seatsKey(node), r .. ' ' .. id)
    else
      lost[#lost + 1] = r; lost[#lost + 1] = id; lost[#lost + 1] = epoch
    end
  end
end
for _, m in ipairs(redis.call('SMEMBERS', seatsKey(node))) do
  if not mine[m] then
    local t = split(m)
    local cur = redis.call('HGET', roomKey(t[1]), t[2])
    if cur and split(cur)[1] == node then
      drop(t[1], t[2], node)
      changed[t[1]] = true
    else
      redis.call('SREM', seatsKey(node), m)
    end
  end
end
local out = {}
for r in pairs(changed) do out[#out + 1] = { r, state(r, bump()) } end
return { out, lost }
`;

export const SCRIPTS = {
  rcJoin: JOIN,
  rcLeave: LEAVE,
  rcRoom: ROOM,
  rcRenew: RENEW,
  rcSweep: SWEEP,
  rcHandBack: HAND_BACK,
  rcReassert: REASSERT,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Every script with the helpers it shares. */
export const scriptSource = (name: ScriptName) => PRELUDE + SCRIPTS[name];
