"""The one place that knows SQL: the request cache, the runner's resume record, the server's tasks.

SQLite (WAL mode, a busy timeout, safe for several processes) by default; PostgreSQL where the
server needs it.
"""
