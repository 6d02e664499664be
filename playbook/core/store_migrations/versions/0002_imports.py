"""The ``imports`` table: what the last import of responses.csv left, so the same file again reads one row.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from playbook.core.store_schema import define

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    define(sa.MetaData())["imports"].create(op.get_bind())


def downgrade() -> None:
    op.drop_table("imports")
