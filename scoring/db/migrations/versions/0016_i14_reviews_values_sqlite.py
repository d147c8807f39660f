"""reviews (assignment_id, status, total, standard_hash, item_values) index, on SQLite only

Revision ID: 0016_i14_reviews_values_sqlite
Revises: 0015_i14_assignments_reviewer
Create Date: 2026-12-01

Agreement reads every submitted review's total, standard version and packed per-item deductions. SQLite
keeps a row's columns in order, and item_values (0011 added it, so it is last) comes after the result
document, about 8 KB at province scale and kept on overflow pages, which SQLite walks to reach the
columns behind it: half of agreement's read of 100,000 reviews. This index holds what agreement reads, so
the read never touches the rows. PostgreSQL keeps such a document out of line (TOAST) and needs no index.
"""
from alembic import op


revision = '0016_i14_reviews_values_sqlite'
down_revision = '0015_i14_assignments_reviewer'
branch_labels = None
depends_on = None

COLUMNS = ['assignment_id', 'status', 'total', 'standard_hash', 'item_values']


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.create_index('ix_reviews_values', 'reviews', COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index('ix_reviews_values', table_name='reviews')
