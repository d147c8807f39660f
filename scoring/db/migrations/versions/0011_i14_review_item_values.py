"""reviews.item_values: each review's per-item deductions packed beside its result

Revision ID: 0011_i14_review_item_values
Revises: 0010_i14_review_status_index
Create Date: 2026-11-30

The agreement figures read every submitted review's deduction per item; unpacking them from the
result JSON took most of their time at province scale. Existing reviews are filled from their stored
result with `scoring.item_values.pack`, the function every later write uses, so old and new rows are
alike (and `audit verify` re-derives them the same way).
"""
import json

import sqlalchemy as sa
from alembic import op

from scoring.item_values import pack

revision = '0011_i14_review_item_values'
down_revision = '0010_i14_review_status_index'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    op.add_column('reviews', sa.Column('item_values', sa.LargeBinary(), nullable=True))  # ALTER, no table copy
    conn = op.get_bind()
    reviews = sa.table('reviews', sa.column('id', sa.Integer), sa.column('result', sa.Text),
                       sa.column('item_values', sa.LargeBinary))
    update = reviews.update().where(reviews.c.id == sa.bindparam('rid')).values(item_values=sa.bindparam('packed'))
    last = 0
    while True:  # in key order, a batch at a time: memory stays flat on a province's 100k reviews
        rows = conn.execute(sa.select(reviews.c.id, sa.cast(reviews.c.result, sa.Text))
                            .where(reviews.c.id > last, reviews.c.result.is_not(None))
                            .order_by(reviews.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(update, [{'rid': rid, 'packed': pack(json.loads(text))} for rid, text in rows])
        last = rows[-1][0]


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would drop the old one, and with it,
    # by ON DELETE CASCADE, every review's marks.
    op.execute('ALTER TABLE reviews DROP COLUMN item_values')
