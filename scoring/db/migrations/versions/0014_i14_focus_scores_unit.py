"""file_focus_scores.unit_id and a (campaign, unit, focus, values) index: focus rates per unit from the index

Revision ID: 0014_i14_focus_scores_unit
Revises: 0013_i14_finding_links_one_index
Create Date: 2026-11-30

Focus rates per unit joined every focus score of the campaign (about 394,000 at province scale) to its
file's final result for the unit, then sorted them by unit and focus area. Each score now carries its
file's unit, as the final result and the standing defects already do (`scoring.workflow.results.refresh`
writes them together), and this index holds the scores in (unit, focus) order with the values, so the
sums are read from the index alone. Existing rows take the unit of their file's final result. The
audit chain tracks its own list of columns, so the new one changes no row's hash.
"""
import sqlalchemy as sa
from alembic import op


revision = '0014_i14_focus_scores_unit'
down_revision = '0013_i14_finding_links_one_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('file_focus_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE file_focus_scores SET unit_id = coalesce("
        "(SELECT r.unit_id FROM file_results r WHERE r.campaign_id = file_focus_scores.campaign_id"
        " AND r.case_file_id = file_focus_scores.case_file_id),"
        " (SELECT c.unit_id FROM case_files c WHERE c.id = file_focus_scores.case_file_id))")
    with op.batch_alter_table('file_focus_scores', schema=None) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_file_focus_scores_unit_id_units'), 'units', ['unit_id'], ['id'])
        batch_op.create_index('ix_file_focus_scores_units',
                              ['campaign_id', 'unit_id', 'focus', 'applicable_max', 'earned'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('file_focus_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_file_focus_scores_units')
        batch_op.drop_constraint(batch_op.f('fk_file_focus_scores_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('unit_id')
