"""The Redis ledger's Lua scripts; each runs atomically on the server (see :mod:`langchain_aegis.budget.redis`).

Every script is idempotent by reservation id, so redis-py's one retry of a
command that did run (its answer lost to a timeout) changes nothing.

It owns the Lua source and nothing else: it must not hold connection handling
or retries (``redis.py`` does).
"""

from __future__ import annotations

__all__ = ["RECORD", "RELEASE", "RENEW", "RESERVE", "SETTLE", "SNAPSHOT"]

# Sweep leases expired by ARGV[now] out of the running total, then check and reserve.
# Numbers cross into Redis as strings formatted with %d: Lua's default formatting
# would write large integers as 1e+15, which HINCRBY rejects.
_SWEEP = """
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'WITHSCORES')
if #gone > 0 then
  local freed = 0
  for i = 1, #gone, 2 do
    local amount = redis.call('HGET', KEYS[3], gone[i])
    if amount then freed = freed + tonumber(amount) end
    redis.call('HDEL', KEYS[3], gone[i])
    redis.call('ZADD', KEYS[4], gone[i + 1], gone[i])
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'reserved', string.format('%d', -freed))
end
"""

_TOUCH = """
redis.call('SADD', KEYS[5], ARGV[3])
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
"""

# KEYS: acct, leases, amounts, expired, providers
# ARGV: now, ttl, provider, forget_before, id, units, limit (-1 = none), expires_at
_RESERVE = (
    _SWEEP
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[4])
local acct = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent = acct[1] or '0'
local reserved = acct[2] or '0'
if redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then
  return {1, spent, reserved}
end
local limit = tonumber(ARGV[7])
if limit >= 0 and tonumber(spent) + tonumber(reserved) + tonumber(ARGV[6]) > limit then
  return {0, spent, reserved}
end
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])
redis.call('HINCRBY', KEYS[1], 'reserved', ARGV[6])
"""
    + _TOUCH
    + "return {1, spent, reserved}"
)

# Remove a lease, live or expired-unsettled. Returns 1 if it was there.
_DROP = """
local amount = redis.call('HGET', KEYS[3], ARGV[4])
if amount then
  redis.call('HDEL', KEYS[3], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'reserved', string.format('%d', -tonumber(amount)))
elseif redis.call('ZREM', KEYS[4], ARGV[4]) == 0 then
  return 0
end
"""

# KEYS: as reserve. ARGV: now, ttl, provider, id, actual units.
# Reserve already put the provider in the period's set and touched the lease keys;
# only the account and the expired set (which a sweep may have just created) need a TTL here.
_SETTLE = (
    _SWEEP
    + _DROP
    + """
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[2])
return 1
"""
)

# KEYS: as reserve, then recorded. ARGV: now, ttl, provider, id, actual units.
# Counts once per id: the id joins the recorded set, and any lease of it is dropped.
_RECORD = (
    """
if redis.call('SADD', KEYS[6], ARGV[4]) == 0 then
  return 0
end
redis.call('EXPIRE', KEYS[6], ARGV[2])
"""
    + _DROP.replace("return 0", "")
    + """
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'count', 1)
"""
    + _TOUCH
    + "return 1"
)

# KEYS: as reserve. ARGV: now, ttl, provider, id
_RELEASE = _DROP + "return 1"

# KEYS: as reserve. ARGV: now, ttl, provider, id, lease seconds. Moves a live lease's end to
# now + lease if that is later; a lease the sweep found lapsed is not revived. Returns its end,
# or nil. (A reserve that left a lapsed lease out also swept it: a late renewal cannot revive it.)
_RENEW = (
    _SWEEP
    + """
local score = redis.call('ZSCORE', KEYS[2], ARGV[4])
if not score then
  return false
end
local wanted = tonumber(ARGV[1]) + tonumber(ARGV[5])
if wanted > tonumber(score) then
  local ends = string.format('%.6f', wanted)
  redis.call('ZADD', KEYS[2], ends, ARGV[4])
  return ends
end
return score
"""
)

# KEYS: acct, leases, amounts. ARGV: now. Read-only: leases expired but not yet swept are subtracted.
_SNAPSHOT = """
local acct = redis.call('HMGET', KEYS[1], 'spent', 'count', 'reserved')
local reserved = tonumber(acct[3] or '0')
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])) do
  local amount = redis.call('HGET', KEYS[3], id)
  if amount then reserved = reserved - tonumber(amount) end
end
return {acct[1] or '0', acct[2] or '0', string.format('%d', reserved)}
"""

RESERVE, SETTLE, RECORD, RELEASE, RENEW, SNAPSHOT = _RESERVE, _SETTLE, _RECORD, _RELEASE, _RENEW, _SNAPSHOT
