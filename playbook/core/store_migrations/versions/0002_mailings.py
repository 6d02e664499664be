"""The record of mails: invitations and reminders, one row per respondent, wave and mail.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import context, op

from playbook.core.store_schema import define_mailings

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    engagement = context.config.attributes.get("engagement") or ""
    table = define_mailings(sa.MetaData(), engagement if bind.dialect.name == "sqlite" else None)
    if not sa.inspect(bind).has_table(table.name):
        table.create(bind)


def downgrade() -> None:
    op.drop_table("mailings")
