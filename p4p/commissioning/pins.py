"""Pinned statements: up to ten per edition that a commissioner sees as columns of its
providers table (say, continuity of workers, visit timing, notice of changes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.models import Checklist
from p4p.commissioning.models import PinnedStatement
from p4p.extensions import db

MOST_PER_EDITION = 10


class PinError(ValueError):
    """Something the person can put right; the message says how."""


@dataclass(frozen=True)
class Pin:
    id: int
    checklist_key: str
    statement_key: str
    text: str  # as the newest version of the edition words it

    @property
    def column_key(self) -> str:
        return f"pin:{self.statement_key}"


def _wording(newest: dict[str, ChecklistDef], checklist_key: str, statement_key: str) -> str:
    content = newest.get(checklist_key)
    statement = content.statement(statement_key) if content else None
    return statement.text if statement else f"{statement_key} (no longer in the newest version)"


def pins_of(commissioner_id: int, newest: dict[str, ChecklistDef]) -> list[Pin]:
    """The commissioner's pins, by edition then in the order pinned."""
    rows = db.session.execute(
        select(PinnedStatement.id, Checklist.key, PinnedStatement.statement_key)
        .join(Checklist, Checklist.id == PinnedStatement.checklist_id)
        .where(PinnedStatement.organisation_id == commissioner_id)
        .order_by(Checklist.key, PinnedStatement.position, PinnedStatement.id)
    ).all()
    return [
        Pin(pin_id, key, statement, _wording(newest, key, statement))
        for pin_id, key, statement in rows
    ]


def pin(
    commissioner_id: int,
    checklist_key: str,
    statement_key: str,
    by_user_id: int | None,
    newest: dict[str, ChecklistDef],
) -> bool:
    """Pin a statement; True if it is newly pinned (pinning twice is harmless)."""
    content = newest.get(checklist_key)
    if content is None or content.statement(statement_key) is None:
        raise PinError("Choose a statement of the edition to pin.")
    checklist_id = db.session.scalar(select(Checklist.id).where(Checklist.key == checklist_key))
    mine = PinnedStatement.organisation_id == commissioner_id
    same_edition = PinnedStatement.checklist_id == checklist_id
    if db.session.scalar(
        select(PinnedStatement.id).where(
            mine, same_edition, PinnedStatement.statement_key == statement_key
        )
    ):
        return False
    count, last = db.session.execute(
        select(func.count(PinnedStatement.id), func.max(PinnedStatement.position)).where(
            mine, same_edition
        )
    ).one()
    if count >= MOST_PER_EDITION:
        raise PinError(
            f"You can pin at most {MOST_PER_EDITION} statements of {content.title}. Unpin one "
            "first."
        )
    try:
        with db.session.begin_nested():
            db.session.add(
                PinnedStatement(
                    organisation_id=commissioner_id,
                    checklist_id=checklist_id,
                    statement_key=statement_key,
                    position=(last or 0) + 1,
                    created_by_id=by_user_id,
                )
            )
    except IntegrityError:  # a colleague pinned it a moment ago
        return False
    return True


def unpin(commissioner_id: int, pin_id: int) -> None:
    """LookupError if the commissioner has no such pin."""
    found = db.session.scalar(
        select(PinnedStatement).where(
            PinnedStatement.id == pin_id, PinnedStatement.organisation_id == commissioner_id
        )
    )
    if found is None:
        raise LookupError(pin_id)
    db.session.delete(found)
    db.session.flush()
