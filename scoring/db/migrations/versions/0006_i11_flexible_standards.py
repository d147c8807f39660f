"""flexible standards: declared attributes, chosen points, per-standard and unit bands, tie-break

Revision ID: 0006_i11_flexible_standards
Revises: 0005_i9_sessions_pdfs
Create Date: 2026-11-30

Existing rows keep their meaning: no extra attributes ({}), no chosen points (fixed and per-occurrence
deductions), no band overrides (the campaign's bands), and ties not broken ("none").
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_i11_flexible_standards'
down_revision = '0005_i9_sessions_pdfs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attributes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attribute_sources', sa.JSON(), nullable=True))
    op.execute("UPDATE case_files SET attributes = '{}', attribute_sources = '{}'")
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.alter_column('attributes', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('attribute_sources', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('review_marks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chosen_points', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_bands', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('tie_break', sa.String(length=20), nullable=False, server_default='none'))
    with op.batch_alter_table('campaign_standards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_bands', sa.JSON(), nullable=True))


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
