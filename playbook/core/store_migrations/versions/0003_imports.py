"""The ``imports`` table: what the last import of responses.csv left, so the same file again reads one row.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from playbook.core.store_schema import define_imports

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = define_imports(sa.MetaData())
    if not sa.inspect(op.get_bind()).has_table(table.name):
        table.create(op.get_bind())


def downgrade() -> None:
    op.drop_table("imports")
