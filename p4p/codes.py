"""Codes one organisation gives to others: a commissioner's sharing code, an association's
joining code. Read aloud and typed from paper, so 12 characters from an alphabet without look-
alikes, shown as XXXX-XXXX-XXXX; about 59 bits, so guessing one is hopeless. Replacing a code
ends the old one at once."""

from __future__ import annotations

import enum
import re
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from p4p.auth.models import Organisation
from p4p.extensions import db
from p4p.timeutil import UTCDateTime, utcnow

# No 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS = 3
GROUP_LENGTH = 4
SHAPE = re.compile(rf"^[{ALPHABET}]{{{GROUPS * GROUP_LENGTH}}}$")


class Purpose(enum.StrEnum):
    SHARING = "sharing"  # a commissioner's: providers share their results with it
    JOINING = "joining"  # an association's: providers join it as members


class CodeError(ValueError):
    """A code that cannot be used; the message says what to do."""


class OrganisationCode(db.Model):
    """Not a tenant table: a provider looks codes up to find the organisation behind them."""

    __tablename__ = "organisation_codes"
    __table_args__ = (Index("ix_organisation_codes_owner", "organisation_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()


def _new() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def current(organisation_id: int, purpose: Purpose) -> OrganisationCode:
    """The organisation's code in use for this purpose, made on first asking."""
    found = db.session.scalar(
        select(OrganisationCode).where(
            OrganisationCode.organisation_id == organisation_id,
            OrganisationCode.purpose == purpose.value,
            OrganisationCode.replaced_dt.is_(None),
        )
    )
    if found is None:
        found = OrganisationCode(organisation_id=organisation_id, purpose=purpose, code=_new())
        db.session.add(found)
        db.session.flush()
    return found


def replace(organisation_id: int, purpose: Purpose) -> OrganisationCode:
    """A new code; the old one stops working at once."""
    db.session.execute(
        update(OrganisationCode)
        .where(
            OrganisationCode.organisation_id == organisation_id,
            OrganisationCode.purpose == purpose.value,
            OrganisationCode.replaced_dt.is_(None),
        )
        .values(replaced_dt=utcnow())
    )
    found = OrganisationCode(organisation_id=organisation_id, purpose=purpose, code=_new())
    db.session.add(found)
    db.session.flush()
    return found


def normalise(text: str | None, who: str) -> str:
    """The code as stored, however it was typed (case, spaces, hyphens); CodeError if it
    cannot be a code at all. `who` names the giver in messages ("the commissioner")."""
    compact = re.sub(r"[\s\-–]", "", (text or "")).upper()
    if not compact:
        raise CodeError(f"Enter the code {who} gave you.")
    if not SHAPE.match(compact):
        raise CodeError(
            "That is not a valid code: a code is 12 letters and digits, such as "
            f"ABCD-EFGH-JK23. Check it with {who} who gave it to you."
        )
    return "-".join(compact[i : i + GROUP_LENGTH] for i in range(0, len(compact), GROUP_LENGTH))


def owner_of(text: str | None, purpose: Purpose, kind: str, who: str) -> Organisation:
    """The organisation (of `kind`) whose current code for `purpose` this is."""
    code = normalise(text, who)
    found = db.session.scalar(
        select(OrganisationCode)
        .where(OrganisationCode.code == code, OrganisationCode.purpose == purpose.value)
        .options(selectinload(OrganisationCode.organisation))
    )
    if found is None or found.organisation.kind != kind:
        raise CodeError(f"Nobody uses that code. Check it with {who} who gave it to you.")
    if found.replaced_dt is not None:
        raise CodeError(
            f"{found.organisation.name} has replaced that code with a new one. Ask them for "
            "their current code."
        )
    return found.organisation
