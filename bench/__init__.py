"""`make bench`: district-scale benchmarks on PostgreSQL (see docs/performance.md).

Run as `python -m bench` with DATABASE_URL pointing at an empty PostgreSQL database.
"""
