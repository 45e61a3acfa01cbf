"""Organisations, their people and how people join them."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.extensions import db
from p4p.tenancy import TenantOwned
from p4p.timeutil import UTCDateTime, utcnow


class OrganisationKind(enum.StrEnum):
    PROVIDER = "provider"
    COMMISSIONER = "commissioner"
    ASSOCIATION = "association"


# England's nine regions (ONS), for benchmark breakdowns.
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
# How many people a provider supports, for benchmark breakdowns.
SIZE_BANDS = ("1 to 24 people", "25 to 99 people", "100 to 249 people", "250 people or more")


class Role(enum.StrEnum):
    """Roles inside one organisation, most powerful first."""

    OWNER = "owner"
    MANAGER = "manager"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_DESCRIPTIONS = {
    Role.OWNER: "Everything, including inviting people and changing their roles.",
    Role.MANAGER: "Starts, rates and completes assessments; everything but managing the team.",
    Role.CONTRIBUTOR: "Rates statements and writes evidence notes in draft assessments.",
    Role.VIEWER: "Reads assessments and results; changes nothing.",
}


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.PROVIDER.value)
    # Where it works and how many people it supports (optional; benchmark breakdowns).
    region: Mapped[str | None] = mapped_column(String(40))
    size_band: Mapped[str | None] = mapped_column(String(40))
    # Demo organisations are the only ones the demo command may create beside.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signin_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Counts credential changes (password reset, removal from a team). What ends sessions is
    # the sign-in rows, each ended at such a change (see SignIn).
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    membership: Mapped[Membership | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    # The sign-in this request belongs to (a SignIn) and its secret: set by the user loader or
    # at sign-in, never stored. Plain attributes, not columns.
    current_sign_in = None
    sign_in_secret = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the user, their
        sign-in and its secret. The user loader accepts it only while that sign-in lasts."""
        if self.current_sign_in is None or self.sign_in_secret is None:
            raise RuntimeError("a user is signed in through p4p.auth.service.begin_sign_in")
        return f"{self.id}:{self.current_sign_in.id}:{self.sign_in_secret}"

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> Role | None:
        return Role(self.membership.role) if self.membership else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(TenantOwned, db.Model):
    """A user's place in one organisation. A person belongs to one organisation at a time."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="membership")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(TenantOwned, db.Model):
    """A single-use link that lets a colleague join with a given role.

    Only a hash of the token is stored: the link itself is shown once, to the owner who made it.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def status(self) -> str:
        if self.accepted_dt:
            return "accepted"
        if self.revoked_dt:
            return "revoked"
        if self.expires_dt <= utcnow():
            return "expired"
        return "pending"


class SignInThrottle(db.Model):
    """Failed sign-ins counted per (client address, e-mail address) pair and per client
    address. Past a limit, each further failure makes the next attempt wait twice as long."""

    __tablename__ = "signin_throttles"
    __table_args__ = (UniqueConstraint("scope", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # "pair" (address and e-mail) or "ip"
    subject: Mapped[str] = mapped_column(String(320))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SignIn(db.Model):
    """One signed-in browser: created at sign-in, ended at sign-out (or by the person from
    'Your sign-ins', or by a password reset or removal from a team). The session and the
    remember cookie carry its id and a random secret; only the SHA-256 of the secret is stored.
    Not a tenant table: it belongs to a user, whatever their organisation."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    device: Mapped[str] = mapped_column(String(100), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
