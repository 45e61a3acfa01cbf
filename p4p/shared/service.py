"""What a commissioner reads of one sharing provider. Every query here goes through tenancy,
which limits a commissioner to providers with an active share and, of those, to completed
assessments, their ratings and scores, and actions; scope (notes and names) is asked of
`tenancy.shows_personal` by the pages and documents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from p4p import tenancy
from p4p.assessments.models import Assessment, AssessmentStatus
from p4p.auth.models import Organisation
from p4p.catalogue.models import ChecklistVersion
from p4p.extensions import db
from p4p.sharing import service as sharing
from p4p.sharing.models import Scope, Share

SHARED_SCOPES = frozenset(scope.value for scope in Scope)


class NotShared(tenancy.OutOfReach):
    """No active share from this provider to the viewer: answered as 404, like any id out of
    reach, so ids reveal nothing."""


@dataclass(frozen=True)
class SharingProvider:
    organisation: Organisation
    share: Share

    @property
    def id(self) -> int:
        return self.organisation.id

    @property
    def scope(self) -> Scope:
        return self.share.scope_enum

    @property
    def personal(self) -> bool:
        """Evidence notes and names may be shown (the full scope)."""
        return tenancy.shows_personal(self.organisation.id)


def provider(commissioner_id: int, provider_id: int) -> SharingProvider:
    """The provider and its active share to the commissioner, or NotShared. The request's
    reach (read from the shares when it began) must agree, so a share revoked during the
    request is refused too."""
    if tenancy.scope_of(provider_id) not in SHARED_SCOPES:
        raise NotShared()
    share = sharing.active_share(provider_id, commissioner_id)
    if share is None:
        raise NotShared()
    return SharingProvider(share.provider, share)


def completed_assessments(provider_id: int) -> list[Assessment]:
    """The provider's completed assessments, newest first, with their version and edition."""
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.organisation_id == provider_id,
                Assessment.status == AssessmentStatus.COMPLETED.value,
            )
            .options(joinedload(Assessment.version).joinedload(ChecklistVersion.checklist))
            .order_by(Assessment.completed_dt.desc(), Assessment.id.desc())
        )
    )


def completed_assessment(provider_id: int, assessment_id: int) -> Assessment:
    """One completed assessment of this provider; a draft, another provider's or an unknown
    id is OutOfReach (404)."""
    assessment = tenancy.get(
        Assessment,
        assessment_id,
        joinedload(Assessment.version).joinedload(ChecklistVersion.checklist),
        selectinload(Assessment.section_results),
    )
    if assessment.organisation_id != provider_id or not assessment.is_completed:
        raise tenancy.OutOfReach()
    return assessment


def record(viewer: tenancy.Viewer, viewer_name: str, provider_id: int, what: str) -> None:
    sharing.record_views(viewer, viewer_name, [provider_id], what)


def sharing_with(commissioner_id: int) -> list[Share]:
    """The commissioner's active shares, with their providers, by provider name."""
    return list(
        db.session.scalars(
            select(Share)
            .join(Organisation, Organisation.id == Share.provider_id)
            .where(Share.commissioner_id == commissioner_id, Share.revoked_dt.is_(None))
            .options(joinedload(Share.provider))
            .order_by(Organisation.name, Share.id)
        )
    )
