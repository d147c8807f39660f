"""audit chain: hash-chained audit entries, the chain's head, REPLACE and TRUNCATE refused

Revision ID: 0009_i12_audit_chain
Revises: 0008_i11_standard_bands
Create Date: 2026-11-30

Existing entries are chained in id order, then one baseline entry vouches for every tracked row
present (see scoring.audit_chain). The triggers are dropped for the backfill and recreated, now also
refusing REPLACE / INSERT OR REPLACE on SQLite (which deletes without firing DELETE triggers) and
TRUNCATE on PostgreSQL.
"""
import sqlalchemy as sa
from alembic import op

from scoring import audit_chain as chain
from scoring.db.integrity import PG_TRIGGERS, SQLITE_TRIGGERS

revision = '0009_i12_audit_chain'
down_revision = '0008_i11_standard_bands'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
    op.add_column('audit_log', sa.Column('seq', sa.BigInteger(), nullable=True))
    op.add_column('audit_log', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('entry_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_log_seq', 'audit_log', ['seq'], unique=True)
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')")

    # chain what is already there, oldest first
    a = chain.AUDIT
    prev, seq, last_at = chain.GENESIS, 0, None
    rows = bind.execute(sa.select(a.c.id, a.c.at, a.c.actor_id, a.c.action, a.c.entity, a.c.entity_id,
                                  a.c.old_value, a.c.new_value, a.c.note).order_by(a.c.id)).mappings().all()
    for row in rows:
        seq += 1
        values = dict(row, seq=seq, prev_hash=prev, note=row["note"] or "")
        values["entry_hash"] = prev = chain.entry_hash(values)
        bind.execute(sa.update(a).where(a.c.id == row["id"]).values(
            seq=seq, prev_hash=values["prev_hash"], entry_hash=prev, note=values["note"]))
        last_at = row["at"] if last_at is None or (row["at"] and row["at"] > last_at) else last_at
    bind.execute(sa.update(chain.HEAD).where(chain.HEAD.c.id == 1).values(seq=seq, hash=prev, at=last_at))
    chain.baseline(bind)

    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("audit_log_no_replace", "audit_head_no_delete", "audit_log_no_update", "audit_log_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
    op.drop_table('audit_head')
    op.drop_index('ix_audit_log_seq', table_name='audit_log')
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_column('entry_hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')
    if dialect == "sqlite":
        op.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")
        op.execute("""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")
    else:
        op.execute("""CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
           FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""")
