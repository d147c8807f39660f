"""flexible standards: declared attributes, chosen points, per-standard and unit bands, tie-break

Revision ID: 0006_i11_flexible_standards
Revises: 0005_i9_sessions_pdfs
Create Date: 2026-11-30

Existing rows keep their meaning: no extra attributes ({}), no chosen points (fixed and per-occurrence
deductions), no band overrides (the campaign's bands), and ties not broken ("none").
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_i11_flexible_standards'
down_revision = '0005_i9_sessions_pdfs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the tables): recreating case_files on SQLite would fail the
    # foreign keys of existing rows. NOT NULL columns get a server default so existing rows are filled.
    op.add_column('case_files', sa.Column('attributes', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('case_files', sa.Column('attribute_sources', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('review_marks', sa.Column('chosen_points', sa.BigInteger(), nullable=True))
    op.add_column('reviews', sa.Column('answers', sa.JSON(), nullable=True))
    op.add_column('campaigns', sa.Column('unit_bands', sa.JSON(), nullable=True))
    op.add_column('campaigns', sa.Column('tie_break', sa.String(length=20), nullable=False, server_default='none'))
    op.add_column('campaign_standards', sa.Column('grade_bands', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaign_standards', schema=None) as batch_op:
        batch_op.drop_column('grade_bands')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('tie_break')
        batch_op.drop_column('unit_bands')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('answers')
    with op.batch_alter_table('review_marks', schema=None) as batch_op:
        batch_op.drop_column('chosen_points')
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.drop_column('attribute_sources')
        batch_op.drop_column('attributes')
