"""Whose data is reachable is decided by p4p.tenancy, for every query, join, update and flush."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import g
from sqlalchemy import func, select, update

from p4p import tenancy
from p4p.actions.models import Action
from p4p.assessments import service as assessments
from p4p.assessments.models import Assessment, Rating
from p4p.auth.models import Invitation, Membership, User
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.extensions import db
from p4p.timeutil import utcnow
from tests.helpers import completed_assessment


@pytest.fixture
def two_providers(world, homecare):
    ours = world.provider("Ours Homecare")
    theirs = world.provider("Theirs Homecare")
    rate = lambda index, _: ("doing" if index % 2 else "started", f"note {index}")  # noqa: E731
    mine = completed_assessment(ours, homecare, "Ours", rate)
    other = completed_assessment(theirs, homecare, "Theirs", rate)
    return Providers(ours, theirs, mine, other, ours.organisation.id, theirs.organisation.id)


@dataclass
class Providers:
    ours: User
    theirs: User
    mine: Assessment
    other: Assessment
    ours_id: int
    theirs_id: int

    def __iter__(self):
        return iter((self.ours, self.theirs, self.mine, self.other))


@pytest.fixture
def no_reach(app):
    """The test body with no reach at all, as a command that forgot to say whose data it uses."""
    previous = g.pop("_p4p_reach", None)
    db.session.remove()
    yield
    g._p4p_reach = previous


def test_an_unscoped_query_of_tenant_data_fails_loudly(two_providers, no_reach):
    for statement in (
        select(Assessment),
        select(func.count(Rating.id)),
        select(Checklist).join(ChecklistVersion).join(Assessment),  # a tenant table in a join
        select(Membership.user_id),
    ):
        with pytest.raises(tenancy.Unscoped):
            db.session.execute(statement).all()
    with pytest.raises(tenancy.Unscoped):
        db.session.execute(update(Action).values(lead="x"))


def test_catalogue_and_accounts_need_no_reach(two_providers, no_reach):
    assert db.session.scalar(select(func.count(Checklist.id))) == 2


def test_a_write_with_no_reach_fails_loudly(two_providers, no_reach):
    db.session.add(
        Invitation(
            organisation_id=two_providers.ours_id,
            email="x@example.org",
            role="viewer",
            token_hash="0" * 64,
            expires_dt=utcnow(),
        )
    )
    with pytest.raises(tenancy.Unscoped):
        db.session.flush()
    db.session.rollback()


def test_a_reach_limits_selects_joins_and_lookups_by_id(two_providers):
    ours, theirs, mine, other = two_providers
    mine_id, other_id = mine.id, other.id
    with tenancy.within(tenancy.organisation(two_providers.ours_id)):
        db.session.expunge_all()  # nothing already loaded may stand in for a query
        assert db.session.scalars(select(Assessment.title)).all() == ["Ours"]
        assert db.session.scalar(select(Assessment).where(Assessment.id == other_id)) is None
        ratings = db.session.scalars(select(Rating.organisation_id).distinct()).all()
        assert ratings == [two_providers.ours_id]
        joined = db.session.scalar(
            select(func.count(Assessment.id))
            .select_from(Checklist)
            .join(ChecklistVersion)
            .join(Assessment)
        )
        assert joined == 1
        assert assessments.get_assessment(mine_id).title == "Ours"
        with pytest.raises(tenancy.OutOfReach):
            assessments.get_assessment(other_id)
        members = db.session.scalars(select(Membership.organisation_id)).all()
        assert set(members) == {two_providers.ours_id}


def test_a_reach_limits_bulk_updates_and_refuses_writes_out_of_reach(two_providers):
    ours, theirs, mine, other = two_providers
    with tenancy.within(tenancy.organisation(ours.organisation.id)):
        result = db.session.execute(
            update(Rating).values(note="overwritten").execution_options(synchronize_session=False)
        )
        assert result.rowcount == db.session.scalar(select(func.count(Rating.id)))
    with tenancy.within(tenancy.everything("checking")):
        notes = dict(
            db.session.execute(
                select(Rating.organisation_id, func.max(Rating.note)).group_by(
                    Rating.organisation_id
                )
            ).all()
        )
    assert notes[ours.organisation.id] == "overwritten"
    assert notes[theirs.organisation.id] != "overwritten"

    theirs_row = db.session.get(Assessment, other.id)  # loaded by the test, as an operator
    with tenancy.within(tenancy.organisation(ours.organisation.id)):
        theirs_row.title = "Taken over"
        with pytest.raises(tenancy.OutOfReach):
            db.session.flush()
    db.session.rollback()


def test_a_request_reaches_only_the_signed_in_organisation(client, two_providers):
    from tests.helpers import sign_in

    ours, theirs, mine, other = two_providers
    sign_in(client, ours)
    assert client.get(f"/assessments/{mine.id}").status_code == 200
    assert client.get(f"/assessments/{other.id}").status_code == 404
    assert client.get(f"/assessments/{other.id}/report.pdf").status_code == 404


def test_an_anonymous_request_reaches_nothing(app, two_providers):
    with app.test_request_context("/"):
        app.preprocess_request()
        assert tenancy.current() == tenancy.NOTHING
        assert db.session.scalars(select(Assessment)).all() == []
