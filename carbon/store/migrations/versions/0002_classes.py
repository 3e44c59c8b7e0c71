"""training classes: classes, trainees, submissions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "classes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("instructor", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("code", name=op.f("uq_classes_code")),
    )
    op.create_table(
        "trainees",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], name=op.f("fk_trainees_class_id_classes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainees")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_trainees_token_hash")),
    )
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trainees_class_id"), ["class_id"], unique=False)
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trainee_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=120), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("grade", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainees.id"], name=op.f("fk_submissions_trainee_id_trainees"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("trainee_id", "case_id", "attempt", name="uq_submissions_trainee_case_attempt"),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_trainee_id"), ["trainee_id"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("submissions")
    op.drop_table("trainees")
    op.drop_table("classes")
