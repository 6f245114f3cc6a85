"""Fixtures of the class-session tests (the Redis server lives in redis_fixture.py, shared with tests/e2e)."""

from tests.class_sessions.redis_fixture import redis_server, redis_url

__all__ = ["redis_server", "redis_url"]
