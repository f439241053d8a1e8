"""The cache (Redis) helps; it is never needed. When Redis is down a read misses and a write is dropped, so no
page and no API call fails because of it (issue 7: the web keeps answering when Redis is down). What it costs
while Redis is away: API rate limits are not counted, and a form sent twice may be handled twice."""

import functools
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _without_redis(answer):
    """On a connection failure: log it and give `answer(*args, **kwargs)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                log.warning("Cache unavailable, %s goes on without it: %s", method.__name__, error)
                return answer(*args, **kwargs)

        return wrapper

    return decorate


class ForgivingRedisCache(RedisCache):
    @_without_redis(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_without_redis(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_without_redis(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    # As if stored: a caller that uses `add` as a send-once guard goes ahead unguarded rather than refusing.
    @_without_redis(lambda *args, **kwargs: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_without_redis(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_without_redis(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_without_redis(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_without_redis(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_without_redis(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)
