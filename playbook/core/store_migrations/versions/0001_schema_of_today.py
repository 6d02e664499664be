"""The store's schema as of the first versioned release: every table keyed by engagement.

A new store gets the four tables. A SQLite file made before schema versions (no
``alembic_version``, no ``engagement`` column, perhaps without the later ``tokens`` columns
or ``pending_comments``) is rebuilt in place, table by table inside the one upgrade
transaction: every row kept, its ``engagement`` set to the id of the folder's engagement.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import context, op

from playbook.core.store_schema import TABLES, define

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    engagement = context.config.attributes.get("engagement") or ""
    sqlite = bind.dialect.name == "sqlite"
    # In a SQLite file (one engagement) a row written by another tool without the column still belongs to it.
    tables = define(sa.MetaData(), engagement if sqlite else None)
    existing = set(sa.inspect(bind).get_table_names())
    for name in TABLES:
        if name not in existing:
            tables[name].create(bind)
        else:
            _adopt(bind, tables[name], engagement)


def _adopt(bind, table: sa.Table, engagement: str) -> None:
    """Rebuild a table from before versions under the current definition, every row kept."""
    old = {c["name"] for c in sa.inspect(bind).get_columns(table.name)}
    for index in sa.inspect(bind).get_indexes(table.name):
        op.drop_index(index["name"], table_name=table.name)
    keep = [c.name for c in table.columns if c.name in old and c.name != "engagement"]
    op.rename_table(table.name, f"_old_{table.name}")
    table.create(bind)
    cols = ", ".join(keep)
    bind.execute(sa.text(f"INSERT INTO {table.name} (engagement, {cols}) SELECT :e, {cols} FROM _old_{table.name} "
                         "ORDER BY rowid"), {"e": engagement})
    op.drop_table(f"_old_{table.name}")


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
