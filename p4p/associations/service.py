"""Joining, leaving and removing members; the member's benchmark setting.

Every function filters by the organisation it is given (the viewer's own): a provider changes
only its own memberships, an association only its own members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from p4p import codes
from p4p.assessments.models import Assessment, AssessmentStatus
from p4p.associations.models import AssociationMember
from p4p.auth.models import Organisation, OrganisationKind
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db
from p4p.tenancy import Viewer
from p4p.timeutil import utcnow

WHO = "the association"
MEMBERS_PER_PAGE = 50
MembershipError = codes.CodeError


def joining_code(association_id: int) -> codes.OrganisationCode:
    return codes.current(association_id, codes.Purpose.JOINING)


def replace_joining_code(association_id: int) -> codes.OrganisationCode:
    """A new code; the old one stops working at once. Members stay members."""
    return codes.replace(association_id, codes.Purpose.JOINING)


def normalise_code(text: str | None) -> str:
    return codes.normalise(text, WHO)


def association_for(code_text: str | None) -> Organisation:
    return codes.owner_of(code_text, codes.Purpose.JOINING, OrganisationKind.ASSOCIATION.value, WHO)


@dataclass(frozen=True)
class Joined:
    member: AssociationMember
    created: bool


def active_membership(provider_id: int, association_id: int) -> AssociationMember | None:
    return db.session.scalar(
        select(AssociationMember).where(
            AssociationMember.provider_id == provider_id,
            AssociationMember.association_id == association_id,
            AssociationMember.ended_dt.is_(None),
        )
    )


def join(provider_id: int, code_text: str | None, by: Viewer) -> Joined:
    """Join the association whose joining code this is; joining twice is harmless."""
    association = association_for(code_text)
    existing = active_membership(provider_id, association.id)
    if existing is not None:
        return Joined(existing, created=False)
    try:
        with db.session.begin_nested():
            member = AssociationMember(
                association_id=association.id, provider_id=provider_id, joined_by_id=by.user_id
            )
            db.session.add(member)
    except IntegrityError:
        existing = active_membership(provider_id, association.id)
        if existing is None:
            raise
        return Joined(existing, created=False)
    return Joined(member, created=True)


def _membership(member_id: int, **owner: int) -> AssociationMember:
    """A membership by id, only if it belongs to the given provider or association."""
    ((column, value),) = owner.items()
    found = db.session.scalar(
        select(AssociationMember)
        .where(AssociationMember.id == member_id, getattr(AssociationMember, column) == value)
        .options(
            selectinload(AssociationMember.association), selectinload(AssociationMember.provider)
        )
        .with_for_update()
    )
    if found is None:
        raise LookupError(member_id)
    return found


def _end(member: AssociationMember, how: str) -> AssociationMember:
    if member.ended_dt is None:
        member.ended_dt = utcnow()
        member.ended_how = how
        member.benchmarks_allowed = False
    return member


def leave(provider_id: int, member_id: int) -> AssociationMember:
    """The provider leaves; its results leave every benchmark at once."""
    return _end(_membership(member_id, provider_id=provider_id), "left")


def remove(association_id: int, member_id: int) -> AssociationMember:
    """The association removes a member; its results leave every benchmark at once."""
    return _end(_membership(member_id, association_id=association_id), "removed")


def membership_for_association(association_id: int, member_id: int) -> AssociationMember:
    return _membership(member_id, association_id=association_id)


def set_benchmarks(provider_id: int, member_id: int, allowed: bool) -> AssociationMember:
    member = _membership(member_id, provider_id=provider_id)
    if member.ended_dt is not None:
        raise MembershipError("You are no longer a member of that association.")
    if member.benchmarks_allowed != allowed:
        member.benchmarks_allowed = allowed
        member.benchmarks_changed_dt = utcnow()
    return member


def memberships_of(provider_id: int) -> list[AssociationMember]:
    """The provider's memberships, current first, then ended ones, newest first."""
    return list(
        db.session.scalars(
            select(AssociationMember)
            .where(AssociationMember.provider_id == provider_id)
            .options(selectinload(AssociationMember.association))
            .order_by(
                AssociationMember.ended_dt.is_not(None),
                AssociationMember.ended_dt.desc(),
                AssociationMember.id.desc(),
            )
        )
    )


def members_of(association_id: int, page: int = 1) -> Any:
    """The association's current members, by name: a page."""
    return db.paginate(
        select(AssociationMember)
        .join(AssociationMember.provider)
        .where(
            AssociationMember.association_id == association_id,
            AssociationMember.ended_dt.is_(None),
        )
        .options(selectinload(AssociationMember.provider))
        .order_by(Organisation.name, AssociationMember.id),
        page=page,
        per_page=MEMBERS_PER_PAGE,
        error_out=False,
        count=True,
    )


def member_counts(association_id: int) -> tuple[int, int]:
    """(current members, of which allowing benchmarks)."""
    members, allowing = db.session.execute(
        select(
            func.count(AssociationMember.id),
            func.count(AssociationMember.id).filter(AssociationMember.benchmarks_allowed),
        ).where(
            AssociationMember.association_id == association_id,
            AssociationMember.ended_dt.is_(None),
        )
    ).one()
    return members, allowing


def membership_of_provider(provider_id: int, member_id: int) -> AssociationMember:
    found = db.session.scalar(
        select(AssociationMember)
        .where(AssociationMember.id == member_id, AssociationMember.provider_id == provider_id)
        .options(selectinload(AssociationMember.association))
    )
    if found is None:
        raise LookupError(member_id)
    return found


def own_completed_versions(provider_id: int) -> list[ChecklistVersion]:
    """The checklist versions of the provider's own completed assessments, newest first."""
    version_ids = (
        select(Assessment.checklist_version_id)
        .where(
            Assessment.organisation_id == provider_id,
            Assessment.status == AssessmentStatus.COMPLETED.value,
        )
        .distinct()
    )
    return list(
        db.session.scalars(
            select(ChecklistVersion)
            .where(ChecklistVersion.id.in_(version_ids))
            .order_by(ChecklistVersion.checklist_id, ChecklistVersion.sort_key.desc())
        )
    )


def set_profile(provider_id: int, region: str | None, size_band: str | None) -> None:
    organisation = db.session.get(Organisation, provider_id)
    organisation.region = region
    organisation.size_band = size_band
