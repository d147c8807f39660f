"""per-standard bands: campaign_standards.pass_line; existing campaigns keep grading as before

Revision ID: 0008_i11_standard_bands
Revises: 0007_i13_objections_calibration
Create Date: 2026-11-30

Files are now graded with their own standard's bands unless the campaign overrides them per standard.
Campaigns created before kept one set of bands for every standard: that set becomes their override for
each of their standards, so no existing grade changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_i11_standard_bands'
down_revision = '0007_i13_objections_calibration'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch): a batch copy of the table would trip SQLite's foreign keys on existing data.
    op.add_column('campaign_standards', sa.Column('pass_line', sa.BigInteger(), nullable=True))
    campaigns = sa.table('campaigns', sa.column('id', sa.Integer()), sa.column('grade_bands', sa.JSON()),
                         sa.column('pass_line', sa.BigInteger()))
    standards = sa.table('campaign_standards', sa.column('campaign_id', sa.Integer()),
                         sa.column('grade_bands', sa.JSON()), sa.column('pass_line', sa.BigInteger()))
    conn = op.get_bind()
    for cid, bands, pass_line in conn.execute(sa.select(campaigns.c.id, campaigns.c.grade_bands,
                                                        campaigns.c.pass_line)).all():
        conn.execute(standards.update().where(standards.c.campaign_id == cid)
                     .values(grade_bands=bands, pass_line=pass_line))


def downgrade() -> None:
    with op.batch_alter_table('campaign_standards', schema=None) as batch_op:
        batch_op.drop_column('pass_line')
