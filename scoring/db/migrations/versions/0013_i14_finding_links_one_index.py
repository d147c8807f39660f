"""finding_links: drop the finding_id index that the unique constraint's index already starts with

Revision ID: 0013_i14_finding_links_one_index
Revises: 0012_i14_deductions_problems
Create Date: 2026-11-30

A province's findings write about 450,000 links at once; the second index on the same leading column
cost about 0.3 s of that and served no query the unique (finding_id, case_file_id, item_id, reason_id)
index does not.
"""
from alembic import op

revision = '0013_i14_finding_links_one_index'
down_revision = '0012_i14_deductions_problems'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_finding_links_finding_id', table_name='finding_links')


def downgrade() -> None:
    op.create_index('ix_finding_links_finding_id', 'finding_links', ['finding_id'])
