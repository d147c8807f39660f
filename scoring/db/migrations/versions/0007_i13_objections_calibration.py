"""unit liaisons' objections and the calibration round (试评)

Revision ID: 0007_i13_objections_calibration
Revises: 0006_i11_flexible_standards
Create Date: 2026-11-30

New tables only: nothing existing changes meaning.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_i13_objections_calibration'
down_revision = '0006_i11_flexible_standards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calibration_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('in_notice', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_calibration_rounds_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calibration_rounds_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_rounds')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_calibration_rounds_campaign_id'))
    )
    op.create_table('guidance_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_guidance_notes_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_guidance_notes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_notes')),
    sa.UniqueConstraint('campaign_id', 'item_id', name=op.f('uq_guidance_notes_campaign_id'))
    )
    op.create_index(op.f('ix_guidance_notes_campaign_id'), 'guidance_notes', ['campaign_id'], unique=False)
    op.create_table('objection_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('released_at', sa.DateTime(), nullable=False),
    sa.Column('released_by_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_objection_windows_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_objection_windows_released_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection_windows')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_objection_windows_campaign_id'))
    )
    op.create_table('calibration_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_calibration_files_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_calibration_files_case_file_id_case_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_files')),
    sa.UniqueConstraint('campaign_id', 'case_file_id', name=op.f('uq_calibration_files_campaign_id'))
    )
    op.create_index(op.f('ix_calibration_files_campaign_id'), 'calibration_files', ['campaign_id'], unique=False)
    op.create_table('calibration_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_reference', sa.Boolean(), nullable=False),
    sa.Column('standard_hash', sa.String(length=64), nullable=False),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_calibration_scores_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_calibration_scores_case_file_id_case_files')),
    sa.ForeignKeyConstraint(['standard_hash'], ['standard_versions.hash'], name=op.f('fk_calibration_scores_standard_hash_standard_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calibration_scores_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calibration_scores')),
    sa.UniqueConstraint('campaign_id', 'case_file_id', 'user_id', 'is_reference', name=op.f('uq_calibration_scores_campaign_id'))
    )
    op.create_index(op.f('ix_calibration_scores_campaign_id'), 'calibration_scores', ['campaign_id'], unique=False)
    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('case_file_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=60), nullable=False),
    sa.Column('reason_id', sa.String(length=60), nullable=False),
    sa.Column('is_veto', sa.Boolean(), nullable=False),
    sa.Column('deduction_text', sa.Text(), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('score_before', sa.BigInteger(), nullable=True),
    sa.Column('score_after', sa.BigInteger(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_objections_assigned_to_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_objections_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['case_file_id'], ['case_files.id'], name=op.f('fk_objections_case_file_id_case_files')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_objections_decided_by_id_users')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_objections_filed_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_objections_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    op.create_index(op.f('ix_objections_campaign_id'), 'objections', ['campaign_id'], unique=False)
    op.create_table('objection_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['objection_id'], ['objections.id'], name=op.f('fk_objection_attachments_objection_id_objections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sha256'], ['pdf_blobs.sha256'], name=op.f('fk_objection_attachments_sha256_pdf_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection_attachments'))
    )
    op.create_index(op.f('ix_objection_attachments_objection_id'), 'objection_attachments', ['objection_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_objection_attachments_objection_id'), table_name='objection_attachments')
    op.drop_table('objection_attachments')
    op.drop_index(op.f('ix_objections_campaign_id'), table_name='objections')
    op.drop_table('objections')
    op.drop_index(op.f('ix_calibration_scores_campaign_id'), table_name='calibration_scores')
    op.drop_table('calibration_scores')
    op.drop_index(op.f('ix_calibration_files_campaign_id'), table_name='calibration_files')
    op.drop_table('calibration_files')
    op.drop_table('objection_windows')
    op.drop_index(op.f('ix_guidance_notes_campaign_id'), table_name='guidance_notes')
    op.drop_table('guidance_notes')
    op.drop_table('calibration_rounds')
