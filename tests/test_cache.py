"""The shared cache: with REDIS_URL set, sessions live in Redis (written through to the
database), so a person logged in on one app server is logged in on every other, and a Redis
restart logs nobody out."""

import os
import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Database 5 of the Redis on this machine (CI starts one); TEST_REDIS_URL points elsewhere.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def shared_cache(settings):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "remiss.redis_cache.SharedRedisCache",  # as in production
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_a_login_puts_the_session_in_redis_and_in_the_database(client, handlaggare, shared_cache):
    server, prefix = shared_cache

    client.post(reverse("login"), {"username": "handlaggare", "password": "demo"})

    session_key = client.cookies["sessionid"].value
    assert [key.decode() for key in server.scan_iter(f"{prefix}:*")] == [
        f"{prefix}:1:django.contrib.sessions.cached_db{session_key}"
    ]
    assert Session.objects.filter(session_key=session_key).exists()


def test_an_emptied_redis_logs_nobody_out(client, handlaggare, shared_cache):
    server, prefix = shared_cache
    client.post(reverse("login"), {"username": "handlaggare", "password": "demo"})
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)

    response = client.get(reverse("start"))

    assert response.status_code == 200
    assert response.context["user"] == handlaggare


def test_every_call_shares_one_redis_client_and_still_reaches_redis(shared_cache):
    """Django's RedisCache builds a client per call; ours keeps one per connection pool
    (remiss/redis_cache.py). Values still go to Redis and back, and a value deleted in Redis
    behind the cache's back is gone for it too: nothing is kept in the process."""
    from django.core.cache import cache

    server, prefix = shared_cache
    client = cache._cache.get_client()

    cache.set("remiss", {"dnr": "KS 2019/1543"})
    assert cache.get("remiss") == {"dnr": "KS 2019/1543"}
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    server.delete(f"{prefix}:1:remiss")
    assert cache.get("remiss") is None
