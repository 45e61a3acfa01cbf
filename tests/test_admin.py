"""The operators' overview: every organisation, as counts only, a page at a time."""

from __future__ import annotations

from p4p.admin.routes import PER_PAGE
from p4p.auth import service as accounts
from p4p.auth.models import Organisation
from p4p.extensions import db
from tests.helpers import PASSWORD, sign_in


def test_operators_see_every_organisation_a_page_at_a_time(client, world):
    operator = accounts.create_user("ops@p4p.example", "Ops", PASSWORD, is_admin=True)
    for n in range(PER_PAGE + 3):
        db.session.add(Organisation(name=f"Provider {n:03d}"))
    db.session.commit()
    world.provider("Provider 000 with people")  # one with a member, counted
    sign_in(client, operator)
    first = client.get("/admin/").get_data(as_text=True)
    assert first.count('<tr><th scope="row">Provider ') == PER_PAGE
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert '<td class="num" data-label="People">1</td>' in first  # the provider with its owner
    second = client.get("/admin/?page=2").get_data(as_text=True)
    assert second.count('<tr><th scope="row">Provider ') == 4
