"""Persistence: SQLAlchemy models, engine setup, migrations, blob store, queries.

The only package that imports SQLAlchemy and Alembic.
"""
