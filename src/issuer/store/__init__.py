"""The issuer's database: SQLAlchemy 2 models, engine (SQLite file or PostgreSQL), Alembic
migrations, and one module of queries per area."""
