"""Alembic's environment for the answer store: always run from code, on the connection the store hands over.

``config.attributes``: ``connection`` (a SQLAlchemy connection already inside the store's write
transaction) and ``engagement`` (the id a SQLite file from before schema versions belongs to).
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
