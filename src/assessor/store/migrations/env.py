"""Alembic environment: runs only from `assessor.store.migrate`, on the connection it passes.

There is no alembic.ini and no URL here; the caller owns the connection and its transaction
(one BEGIN IMMEDIATE around every migration it applies).
"""

from alembic import context

from assessor.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations through assessor.store.migrate with a live connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters most things by rebuilding the table
    compare_type=True,
    transactional_ddl=True,  # true of SQLite once the driver leaves BEGIN to SQLAlchemy
)
with context.begin_transaction():
    context.run_migrations()
