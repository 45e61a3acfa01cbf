"""Completing an assessment and saving into it at the same moment: the completed record holds
exactly the ratings saved before it was completed, and no save lands after.

These need real row locks, so they run on PostgreSQL (SQLite serialises every write anyway)."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from p4p import tenancy
from p4p.assessments import service
from p4p.assessments.models import Assessment, Rating, SectionResult
from p4p.extensions import db
from tests.locks import backend_waiting_on_a_lock, in_other_session, until

pytestmark = pytest.mark.skipif(
    not os.environ.get("P4P_TEST_DATABASE_URL"), reason="row locks need PostgreSQL"
)


@pytest.fixture
def draft(world, homecare):
    """A fully rated draft, 'started' everywhere."""
    owner = world.provider("Racing Homecare")
    assessment = service.start(owner.organisation.id, homecare, "Race", owner.id)
    for statement in homecare.content.statements():
        db.session.add(
            Rating(
                organisation_id=owner.organisation.id,
                assessment_id=assessment.id,
                statement_id=statement.id,
                scale_key="started",
                note="",
            )
        )
    db.session.commit()
    return owner, assessment.id, next(iter(homecare.content.statements()))


def test_a_save_in_flight_is_in_the_completed_record(app, database_url, draft):
    owner, assessment_id, statement = draft
    organisation_id = owner.organisation.id
    # The save takes its share lock and changes a rating, not yet committed.
    with tenancy.within(tenancy.organisation(organisation_id)):
        saving = service.get_assessment(assessment_id, lock="share")
        saved = service.save_rating(saving, statement, "doing", "late", 1, owner.id)
        assert saved.changed
    outcome, pid = [], []

    def complete():
        return service.complete(service.get_assessment(assessment_id), owner.id)

    thread = threading.Thread(
        target=in_other_session, args=(database_url, organisation_id, complete, outcome, pid)
    )
    thread.start()
    until(lambda: pid and backend_waiting_on_a_lock(pid[0]), "completion to wait")
    db.session.commit()  # the save lands; completion goes on
    thread.join(timeout=30)
    assert not thread.is_alive() and not isinstance(outcome[0], Exception), outcome

    db.session.expire_all()
    section = next(
        r
        for r in db.session.scalars(
            select(SectionResult).where(SectionResult.assessment_id == assessment_id)
        )
        if r.position == 0
    )
    assert section.points == section.total + 1  # all 'started' (1 point) but one 'doing' (2)


def test_a_save_after_completion_is_refused(app, database_url, draft):
    owner, assessment_id, statement = draft
    organisation_id = owner.organisation.id
    with tenancy.within(tenancy.organisation(organisation_id)):
        completing = service.get_assessment(assessment_id, lock="update")
        service.complete(completing, owner.id)
    outcome, pid = [], []

    def save():
        assessment = service.get_assessment(assessment_id, lock="share")
        if not assessment.is_draft:
            return "refused: completed"
        return service.save_rating(assessment, statement, "doing", "late", 1, owner.id)

    thread = threading.Thread(
        target=in_other_session, args=(database_url, organisation_id, save, outcome, pid)
    )
    thread.start()
    until(lambda: pid and backend_waiting_on_a_lock(pid[0]), "the save to wait")
    db.session.commit()  # completion lands first
    thread.join(timeout=30)
    assert outcome == ["refused: completed"]
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    late = db.session.scalars(
        select(Rating).where(
            Rating.assessment_id == assessment_id, Rating.updated_dt > assessment.completed_dt
        )
    ).all()
    assert assessment.is_completed and late == []


def test_a_save_into_a_draft_deleted_meanwhile_is_not_called_unchanged(app, database_url, draft):
    owner, assessment_id, statement = draft
    organisation_id = owner.organisation.id
    with tenancy.within(tenancy.organisation(organisation_id)):
        saving = service.get_assessment(assessment_id)  # read before a colleague deletes it
        assert saving.is_draft and saving.version.content
    outcome, pid = [], []

    def delete():
        service.delete_draft(service.get_assessment(assessment_id, lock="update"))
        return "deleted"

    thread = threading.Thread(
        target=in_other_session, args=(database_url, organisation_id, delete, outcome, pid)
    )
    thread.start()
    thread.join(timeout=30)
    assert outcome == ["deleted"]
    with tenancy.within(tenancy.organisation(organisation_id)):
        with pytest.raises(service.AssessmentGone):
            service.save_rating(saving, statement, "doing", "lost?", 1, owner.id)
    db.session.rollback()
