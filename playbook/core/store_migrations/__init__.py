"""Alembic migrations of the answer store (driven from code by ``playbook.core.store.Store.upgrade``)."""
