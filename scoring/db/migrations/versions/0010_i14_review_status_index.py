"""reviews (assignment_id, status) index: progress counts come from the index, not the wide rows

Revision ID: 0010_i14_review_status_index
Revises: 0009_i12_audit_chain
Create Date: 2026-11-30

The progress page counts each sampled file's reviews by status. Read from the table, every review row
is visited (its result JSON makes it several pages long); with this index SQLite and PostgreSQL answer
from the index alone.
"""
from alembic import op


revision = '0010_i14_review_status_index'
down_revision = '0009_i12_audit_chain'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_reviews_assignment_status', 'reviews', ['assignment_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_reviews_assignment_status', table_name='reviews')
