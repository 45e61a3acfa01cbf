"""`flask demo` also builds a demo commissioner with a dozen and more sharing providers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from p4p.actions.models import Action, ActionStatus
from p4p.assessments.models import Assessment
from p4p.auth.models import Organisation, User
from p4p.commissioning import demo as commissioning_demo
from p4p.demo import ORGANISATION
from p4p.extensions import db
from p4p.progress import service as progress
from p4p.sharing.models import Share
from p4p.timeutil import utcnow
from tests.helpers import sign_in


def test_demo_builds_a_commissioner_with_varied_sharing_providers(
    runner, world, client, empty_catalogue
):
    world.load_checklists()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "commissioner@demo.example" in result.output
    assert "Northshire County Council (demo)" in result.output

    commissioner = db.session.scalar(
        select(Organisation).where(Organisation.name == commissioning_demo.COMMISSIONER)
    )
    assert commissioner.kind == "commissioner" and commissioner.is_demo
    shares = db.session.scalars(
        select(Share).where(Share.commissioner_id == commissioner.id, Share.revoked_dt.is_(None))
    ).all()
    assert len(shares) == len(commissioning_demo.PROVIDERS) + 1 >= 13
    providers = {s.provider_id: s for s in shares}
    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(providers))
        ).all()
    )
    assert ORGANISATION in names.values()
    assert all(name.endswith("(demo)") for name in names.values())
    assert {s.scope for s in shares} == {"summary", "full"}
    assert not db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.is_demo.is_(False))
    )

    # Varied histories: one slipping, one with nothing for over a year, some improving,
    # some with overdue actions.
    homecare = db.session.scalar(
        select(Assessment).where(Assessment.organisation_id.in_(providers))
    ).version.checklist
    year_ago = utcnow() - timedelta(days=365)
    slipping, stale, improving = [], [], []
    for provider_id in providers:
        history = progress.history(provider_id, homecare)
        assert history, names[provider_id]
        latest = db.session.scalar(
            select(func.max(Assessment.completed_dt)).where(
                Assessment.organisation_id == provider_id
            )
        )
        if latest < year_ago:
            stale.append(names[provider_id])
        if len(history) >= 2:
            before, after = history[-2].overall.percent, history[-1].overall.percent
            (slipping if after < before else improving if after > before else []).append(
                names[provider_id]
            )
    assert stale == ["Dovecote Homecare (demo)"]
    assert "Castleford Community Care (demo)" in slipping
    assert len(improving) >= 5
    overdue = db.session.scalar(
        select(func.count(func.distinct(Action.organisation_id))).where(
            Action.organisation_id.in_(providers),
            Action.status.in_((ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value)),
            Action.due_on < utcnow().date(),
        )
    )
    assert overdue >= 3

    # Idempotent: running it again changes nothing.
    counts = [db.session.scalar(select(func.count()).select_from(t)) for t in (Assessment, Share)]
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already there" in again.output
    assert [
        db.session.scalar(select(func.count()).select_from(t)) for t in (Assessment, Share)
    ] == counts

    # The commissioner signs in and sees every sharing provider, and opens one.
    user = db.session.scalar(select(User).where(User.email == "commissioner@demo.example"))
    sign_in(client, user, password="p4p-demo-password")
    home = client.get("/commissioning/").get_data(as_text=True)
    assert sum(name.replace("'", "&#39;") in home for name in names.values()) >= 12
    dovecote = next(i for i, n in names.items() if n == "Dovecote Homecare (demo)")
    page = client.get(f"/commissioning/provider/{dovecote}/")
    assert page.status_code == 200 and "overdue" in page.get_data(as_text=True)
