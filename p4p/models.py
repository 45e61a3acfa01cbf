"""Every model, imported in one place so that metadata (and Alembic) sees all tables."""

from p4p.actions.models import Action, ActionEvent, ActionStatus
from p4p.assessments.models import (
    Assessment,
    AssessmentStatus,
    LensResult,
    Rating,
    SectionResult,
)
from p4p.associations.models import AssociationMember, ChecklistDraft
from p4p.auth.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SignIn,
    SignInThrottle,
    User,
)
from p4p.catalogue.models import Checklist, ChecklistVersion, Section, Statement
from p4p.codes import OrganisationCode
from p4p.commissioning.models import PinnedStatement
from p4p.reports.models import JobStatus, RenderJob
from p4p.sharing.models import Scope, Share, ShareView
from p4p.tokens.models import ApiToken

__all__ = [
    "Action",
    "ActionEvent",
    "ApiToken",
    "ActionStatus",
    "Assessment",
    "AssociationMember",
    "AssessmentStatus",
    "Checklist",
    "ChecklistDraft",
    "ChecklistVersion",
    "Invitation",
    "JobStatus",
    "LensResult",
    "Membership",
    "Organisation",
    "OrganisationCode",
    "PinnedStatement",
    "OrganisationKind",
    "Rating",
    "RenderJob",
    "Role",
    "Scope",
    "Section",
    "SectionResult",
    "Share",
    "ShareView",
    "SignIn",
    "SignInThrottle",
    "Statement",
    "User",
]
