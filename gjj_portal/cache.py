"""Django's Redis cache, keeping one client per connection pool.

Django's backend builds a new `redis.Redis` for every operation (each fills a table of some 170 reply
handlers), and every page makes two or three: the session and the center's policy. The clients share
the pool either way and are safe to share between threads; only their construction is saved."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
