"""A personal access token, stored as the SHA-256 of its secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p4p.auth.models import User
from p4p.extensions import db
from p4p.timeutil import UTCDateTime, utcnow


class ApiToken(db.Model):
    """One token of one person, named by them. Not a tenant table: like a sign-in, it belongs
    to a user, and what it reaches is the user's reach, worked out afresh on every request.
    Only the hash of the secret is kept; `hint` (the prefix and first characters) lets the
    person tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    hint: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_dt is None and (self.expires_dt is None or self.expires_dt > now)
