"""file_deductions problems index: problems counted per reason and unit from the index, in its order

Revision ID: 0012_i14_deductions_problems
Revises: 0011_i14_review_item_values
Create Date: 2026-11-30

Top problems, the units' top deductions and the findings count the files per (item, reason) and per
unit with the first reason's labels. Read from the table, SQLite sorted every deduction row of the
campaign (about 176,000 at province scale) twice; this index holds the rows in that grouping order with
every column those counts read, so they are answered from the index alone, without a sort. The
reason text is in it: standards' reason texts are short sentences (a PostgreSQL index entry holds up
to about 2,700 bytes).
"""
from alembic import op


revision = '0012_i14_deductions_problems'
down_revision = '0011_i14_review_item_values'
branch_labels = None
depends_on = None

COLUMNS = ['campaign_id', 'item_id', 'reason_id', 'is_veto', 'unit_id', 'focus', 'reason', 'standard_hash',
           'case_file_id']


def upgrade() -> None:
    op.create_index('ix_file_deductions_problems', 'file_deductions', COLUMNS)


def downgrade() -> None:
    op.drop_index('ix_file_deductions_problems', table_name='file_deductions')
