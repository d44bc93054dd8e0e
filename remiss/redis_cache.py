"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient.get_client() builds a new `redis.Redis` for every cache operation, and
building one fills its table of some 170 response callbacks: with sessions in the cache (read on
every logged-in request), that was about a tenth of an empty logged-in view's time (issue 14). A
`redis.Redis` takes a connection from its pool for each command and gives it back, so one client
per pool serves every call, in every thread; after a fork the pool itself opens new connections
(redis-py checks the process id), so a client made before gunicorn forks stays usable.

Everything else (pools, serialising, timeouts, the options in CACHES) is Django's own.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class SharedRedisCache(RedisCache):
    """settings.CACHES' backend when REDIS_URL is set: Django's RedisCache with `PooledClient`."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledClient
