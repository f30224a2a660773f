"""Exit 0 when a PostgreSQL or Redis URL answers within two seconds, 1 otherwise (used by make test)."""

import sys


def postgres_up(url):
    import psycopg

    try:
        dsn = url.rsplit("/", 1)[0] + "/postgres"
        psycopg.connect(dsn, connect_timeout=2).close()
        return True
    except Exception:
        return False


def redis_up(url):
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    sys.exit(0 if {"postgres": postgres_up, "redis": redis_up}[kind](url) else 1)
