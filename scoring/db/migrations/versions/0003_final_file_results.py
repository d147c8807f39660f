"""final file results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('file_deductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('standard_hash', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=60), nullable=False),
    sa.Column('reason_id', sa.String(length=60), nullable=False),
    sa.Column('is_veto', sa.Boolean(), nullable=False),
    sa.Column('focus', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_file_deductions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_file_deductions_case_file_id_case_files')),
    sa.ForeignKeyConstraint(['standard_hash'], ['standard_versions.hash'], name=op.f('fk_file_deductions_standard_hash_standard_versions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_file_deductions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_deductions')),
    sa.UniqueConstraint('campaign_id', 'case_file_id', 'item_id', 'reason_id', name=op.f('uq_file_deductions_campaign_id'))
    )
    with op.batch_alter_table('file_deductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_deductions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('file_focus_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('focus', sa.String(length=40), nullable=False),
    sa.Column('applicable_max', sa.BigInteger(), nullable=False),
    sa.Column('earned', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_file_focus_scores_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_file_focus_scores_case_file_id_case_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_focus_scores')),
    sa.UniqueConstraint('campaign_id', 'case_file_id', 'focus', name=op.f('uq_file_focus_scores_campaign_id'))
    )
    with op.batch_alter_table('file_focus_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_focus_scores_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('file_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('score', sa.BigInteger(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('veto', sa.Boolean(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_file_results_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_file_results_case_file_id_case_files')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_file_results_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_results')),
    sa.UniqueConstraint('campaign_id', 'case_file_id', name=op.f('uq_file_results_campaign_id'))
    )
    with op.batch_alter_table('file_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_results_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('file_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_results_campaign_id'))

    op.drop_table('file_results')
    with op.batch_alter_table('file_focus_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_focus_scores_campaign_id'))

    op.drop_table('file_focus_scores')
    with op.batch_alter_table('file_deductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_deductions_campaign_id'))

    op.drop_table('file_deductions')

