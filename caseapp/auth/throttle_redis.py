"""The login counters on Redis (``CASEAPP_LOGIN_THROTTLE=redis``): the same policy as the database store, each
step one Lua script, so web processes on several machines share the counters without touching the database."""
from __future__ import annotations

import redis

from caseapp.auth.throttle import Blocked, Policy

PREFIX = "caseapp:login:"
#: KEYS: counter, block; ARGV: free, base ms, max ms, window s → attempts so far, or -(ms left) when blocked
_RESERVE = """
local left = redis.call('PTTL', KEYS[2])
if left > 0 then return -left end
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local over = n - tonumber(ARGV[1])
if over >= 0 then
  local delay = math.min(tonumber(ARGV[2]) * 2 ^ math.min(over, 30), tonumber(ARGV[3]))
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(delay))
end
return n
"""
#: KEYS: counter, block; ARGV: free → give one slot back, lift the block once under the limit again
_GIVE_BACK = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then n = redis.call('DECR', KEYS[1]) end
if n < tonumber(ARGV[1]) then redis.call('DEL', KEYS[2]) end
return n
"""


class RedisStore:
    """Counter ``<key>`` and block ``<key>:blocked`` (expiring by itself) per throttle key."""

    def __init__(self, client: redis.Redis):
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        return cls(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))

    def _keys(self, key: str) -> tuple[str, str]:
        return PREFIX + key, PREFIX + key + ":blocked"

    def reserve(self, key: str, policy: Policy) -> None:
        """Count one attempt on ``key`` or raise Blocked."""
        result = self.client.eval(_RESERVE, 2, *self._keys(key), policy.free, policy.base_seconds * 1000,
                                  policy.max_seconds * 1000, policy.window_seconds)
        if int(result) < 0:
            raise Blocked(-int(result) / 1000)

    def clear(self, key: str) -> None:
        """A successful login: the account starts again from zero."""
        self.client.delete(*self._keys(key))

    def give_back(self, key: str, policy: Policy) -> None:
        """A successful login from an address: its slot is returned (and a block it set is lifted)."""
        self.client.eval(_GIVE_BACK, 2, *self._keys(key), policy.free)
