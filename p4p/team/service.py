"""The team's rules: invitations, roles, leaving. Functions flush; the request commits.

Rows are reached through `p4p.tenancy`, so another organisation's membership or invitation is
simply not found (404)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from p4p import tenancy
from p4p.auth.models import Invitation, Membership, Role
from p4p.auth.service import end_every_sign_in
from p4p.extensions import db
from p4p.timeutil import utcnow

NEEDS_AN_OWNER = "Every team needs an owner: make someone else an owner first."


class TeamRuleBroken(ValueError):
    """A change the team's rules do not allow; the message is for the person."""


def members(organisation_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation_id)
            .options(selectinload(Membership.user))
            .order_by(Membership.created_dt, Membership.id)
        )
    )


def pending_invitations(organisation_id: int) -> list[Invitation]:
    rows = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation_id,
            Invitation.accepted_dt.is_(None),
            Invitation.revoked_dt.is_(None),
            Invitation.expires_dt > utcnow(),
        )
        .order_by(Invitation.created_dt.desc())
    )
    return list(rows)


def membership(membership_id: int) -> Membership:
    return tenancy.get(Membership, membership_id, selectinload(Membership.user))


def invitation(invitation_id: int) -> Invitation:
    return tenancy.get(Invitation, invitation_id)


def revoke(invitation: Invitation) -> bool:
    """Make a pending invitation unusable; False when it was no longer pending."""
    if invitation.status != "pending":
        return False
    invitation.revoked_dt = utcnow()
    db.session.flush()
    return True


def _leaves_an_owner(membership: Membership) -> None:
    """The one wording of the last-owner rule. The other owners are locked first, so two owners
    demoting or removing each other at the same moment cannot both succeed."""
    if membership.role != Role.OWNER.value:
        return
    owners = db.session.scalars(
        select(Membership.id)
        .where(
            Membership.organisation_id == membership.organisation_id,
            Membership.role == Role.OWNER.value,
        )
        .with_for_update()
    ).all()
    if not any(owner != membership.id for owner in owners):
        raise TeamRuleBroken(NEEDS_AN_OWNER)


def change_role(membership: Membership, role: Role) -> None:
    if membership.role == role.value:
        return
    if role != Role.OWNER:
        _leaves_an_owner(membership)
    # Conditional on the role it had, so a concurrent change is not silently overwritten.
    db.session.execute(
        update(Membership)
        .where(Membership.id == membership.id, Membership.role == membership.role)
        .values(role=role.value)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(membership)


def remove(membership: Membership) -> None:
    """Take someone out of the team; their open sessions end now."""
    _leaves_an_owner(membership)
    user = membership.user
    db.session.delete(membership)
    user.session_version += 1
    end_every_sign_in(user.id)
    db.session.flush()
