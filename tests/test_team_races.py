"""Two owners demoting or removing each other at the same moment: one succeeds, the other is
told the team needs an owner, and the team always keeps one. Needs PostgreSQL's row locks."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from p4p import tenancy
from p4p.auth.models import Membership, Role
from p4p.extensions import db
from p4p.team import service
from tests.locks import backend_waiting_on_a_lock, in_other_session, until

pytestmark = pytest.mark.skipif(
    not os.environ.get("P4P_TEST_DATABASE_URL"), reason="row locks need PostgreSQL"
)


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_owners_cannot_leave_the_team_without_one(app, database_url, world, action):
    first = world.provider("Two Owners")
    organisation_id = first.organisation.id
    second = world.member(first.organisation, Role.OWNER)
    first_id, second_id = first.membership.id, second.membership.id

    def act(membership_id):
        membership = service.membership(membership_id)
        if action == "demote":
            service.change_role(membership, Role.MANAGER)
        else:
            service.remove(membership)
        return "done"

    with tenancy.within(tenancy.organisation(organisation_id)):
        assert act(second_id) == "done"  # not committed: holds the owners' rows
    outcome, pid = [], []
    thread = threading.Thread(
        target=in_other_session,
        args=(database_url, organisation_id, lambda: act(first_id), outcome, pid),
    )
    thread.start()
    until(lambda: pid and backend_waiting_on_a_lock(pid[0]), "the other owner to wait")
    db.session.commit()
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], service.TeamRuleBroken), outcome
    owners = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == organisation_id, Membership.role == Role.OWNER.value
        )
    )
    assert owners == 1
