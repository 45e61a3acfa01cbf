"""The demo trade association: "Homecare Providers Network (demo)", its sign-in, its own
published edition with a draft of its next version in progress, and its members (the demo
provider and the demo commissioner's providers), most of them allowing benchmarks, with regions
and sizes set so that a breakdown shows some groups and hides one too small to show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from p4p.associations import drafts
from p4p.associations.models import AssociationMember
from p4p.auth.models import Membership, Organisation, OrganisationKind, Role
from p4p.auth.service import create_user
from p4p.catalogue import publishing
from p4p.catalogue.models import AUDIENCE_MEMBERS, ChecklistVersion
from p4p.extensions import db
from p4p.timeutil import utcnow

ASSOCIATION = "Homecare Providers Network (demo)"
ASSOCIATION_PEOPLE = [("association@demo.example", "Gareth Lloyd", Role.OWNER)]
EDITION_FILE = Path(__file__).parent.parent / "demo_data" / "network-visits-1.0.0.yaml"
EDITION_SUMMARY = (
    "Our first checklist for members: five practices about the visit itself, written with "
    "members at the spring conference."
)
# Who does not allow benchmarks (the rest do), and where members are and how big.
NOT_ALLOWING = {"Meadowbank Care (demo)", "Oakwood Community Care (demo)"}
REGIONS = {
    "North West": 10,  # the first ten members by name; the rest are in the South West
}
SIZES = ("25 to 99 people", "100 to 249 people")


def exists() -> bool:
    return (
        db.session.scalar(
            select(Organisation.id).where(
                Organisation.name == ASSOCIATION, Organisation.is_demo.is_(True)
            )
        )
        is not None
    )


def draft_in_progress(association: Organisation, edition: ChecklistVersion) -> None:
    """The next version of the network's edition, part written in the browser editor: one
    statement reworded, one new statement still without its guidance and evidence (so the
    draft lists what to put right before it can be published)."""
    draft = drafts.start_draft(association, edition)
    db.session.flush()
    reworded = drafts.StatementFields(
        text=(
            "People are told before the visit, by a call or a message in the way they "
            "prefer, when their worker or the time of their visit changes."
        ),
        stage="foundations",
        guidance=(
            "The office tells the person, or the family member they chose, before the visit "
            "whenever the worker or the time changes by more than 15 minutes. Check the change "
            "log for a week against the call records, and ask five people whether they were told."
        ),
        started="People are usually told about a new worker, but not always about a late visit.",
        evidence=[
            "The change log checked against calls and messages for one week",
            "What five people say when asked whether they were told",
        ],
        tags={"cqc": ["responsive", "caring"]},
        may_not_apply=False,
        relation="equal",
        origin="nv-told-of-changes",
    )
    drafts.edit(draft, draft.revision, None, drafts.set_statement("nv-told-of-changes", reworded))
    taken = drafts.used_keys(draft)
    drafts.edit(
        draft,
        draft.revision,
        None,
        drafts.add_statement(
            "continuity",
            "People can ask not to be visited by a particular worker, without giving a reason.",
            "nv-ask-not-to-see",
            taken,
        ),
    )


def build(password: str) -> Organisation:
    association = Organisation(
        name=ASSOCIATION, kind=OrganisationKind.ASSOCIATION.value, is_demo=True
    )
    db.session.add(association)
    for email, name, role in ASSOCIATION_PEOPLE:
        user = create_user(email, name, password)
        db.session.add(Membership(user=user, organisation=association, role=role.value))
    db.session.flush()
    edition = publishing.publish_upload(
        association,
        EDITION_FILE.read_bytes(),
        EDITION_FILE.name,
        EDITION_SUMMARY,
        AUDIENCE_MEMBERS,
    )
    draft_in_progress(association, edition)
    members = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.is_demo.is_(True),
            Organisation.kind == OrganisationKind.PROVIDER.value,
        )
        .order_by(Organisation.name)
    ).all()
    now = utcnow()
    in_north_west = REGIONS["North West"]
    for index, provider in enumerate(members):
        provider.region = "North West" if index < in_north_west else "South West"
        provider.size_band = SIZES[index % len(SIZES)]
        allowing = provider.name not in NOT_ALLOWING
        joined = now - timedelta(days=300 - 15 * index)
        db.session.add(
            AssociationMember(
                association_id=association.id,
                provider_id=provider.id,
                joined_dt=joined,
                benchmarks_allowed=allowing,
                benchmarks_changed_dt=joined + timedelta(days=3) if allowing else None,
            )
        )
    db.session.flush()
    return association
