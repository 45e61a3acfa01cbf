"""Building test data through the real services, and using forms as a browser would."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from p4p.auth import service as accounts
from p4p.auth.models import Membership, Organisation, OrganisationKind, Role, User
from p4p.catalogue import ChecklistDef
from p4p.catalogue.loading import load_all, load_version, read_all
from p4p.extensions import db

PASSWORD = "correct horse battery"
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, page: str, data: dict | None = None, action: str | None = None, **kwargs
):
    """GET `page`, take its CSRF token, POST `data` to `action` (default: the page itself)."""
    response = client.get(page)
    assert response.status_code == 200, f"{page} answered {response.status_code}"
    body = dict(data or {})
    body.setdefault("csrf_token", csrf_token(response.get_data(as_text=True)))
    return client.post(action or page, data=body, **kwargs)


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self.level = 0

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.level = int(tag[1])
            self.found.append((self.level, ""))

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self.level = 0

    def handle_data(self, data):
        if self.level:
            level, text = self.found[-1]
            self.found[-1] = (level, " ".join((text + " " + data).split()))


def headings(html: str) -> list[tuple[int, str]]:
    """(level, text) of every heading of a page, in order."""
    parser = _Headings()
    parser.feed(html)
    return parser.found


def main_headings(html: str) -> list[tuple[int, str]]:
    """The headings of the page's <main>."""
    return headings(html[html.index("<main") : html.index("</main>")])


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    response = submit(client, "/signin", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


@functools.cache
def parsed_checklists(root: str) -> tuple[tuple[str, ChecklistDef], ...]:
    """The checklist files under root, parsed once per test run: (path under root, definition)."""
    base = Path(root)
    return tuple((path.relative_to(base).as_posix(), found) for path, found in read_all(base))


def load_published_checklists(root: str) -> None:
    """Load the checklists under root from their parsed definitions (safe to run again)."""
    for source, definition in parsed_checklists(root):
        load_version(definition, source)


class World:
    def __init__(self, app: Flask):
        self.app = app

    def load_checklists(self, root: Path | None = None) -> None:
        """Load the checklist files under `root`. By default the published checklists, which
        every test but those asking for `empty_catalogue` already has (tests/conftest.py)."""
        if root is None:
            load_published_checklists(self.app.config["CHECKLISTS_DIR"])
        else:
            load_all(root)
        db.session.commit()

    def provider(
        self,
        name: str = "Sunrise Homecare",
        owner_email: str | None = None,
        kind: OrganisationKind = OrganisationKind.PROVIDER,
    ) -> User:
        email = owner_email or f"owner@{re.sub(r'[^a-z]+', '-', name.lower()).strip('-')}.example"
        owner = accounts.sign_up(name, f"Owner of {name}", email, PASSWORD, kind=kind)
        db.session.commit()
        return owner

    def share(self, provider: User, commissioner: User, scope: str = "summary"):
        """The provider (by its owner) shares with the commissioner (by its owner)."""
        from p4p.sharing import service as sharing
        from p4p.sharing.models import Scope
        from p4p.tenancy import Viewer

        code = sharing.current_code(commissioner.organisation.id).code
        shared = sharing.share(provider.organisation.id, code, Scope(scope), Viewer.of(provider))
        db.session.commit()
        return shared.share

    def join(self, provider: User, association: User):
        """The provider (by its owner) joins the association (by its owner)."""
        from p4p.associations import service as associations
        from p4p.tenancy import Viewer

        code = associations.joining_code(association.organisation.id).code
        joined = associations.join(provider.organisation.id, code, Viewer.of(provider))
        db.session.commit()
        return joined.member

    def member(self, organisation: Organisation, role: Role, email: str | None = None) -> User:
        email = email or f"{role.value}@{organisation.id}.example"
        user = accounts.create_user(email, f"{role.label} {organisation.id}", PASSWORD)
        db.session.add(Membership(user=user, organisation=organisation, role=role.value))
        db.session.commit()
        return user


def completed_assessment(owner: User, version, title: str, rate, days_ago: int = 0):
    """A completed assessment of `version`, completed `days_ago`, with a rating for every
    statement for which `rate(index, statement)` gives a (scale key, note) pair."""
    from datetime import timedelta

    from p4p import scoring
    from p4p.assessments.models import Assessment, Rating
    from p4p.assessments.service import store_results
    from p4p.timeutil import utcnow

    assessment = Assessment(
        organisation_id=owner.organisation.id,
        version=version,
        title=title,
        created_by=owner,
        status="completed",
        completed_dt=utcnow() - timedelta(days=days_ago),
        completed_by=owner,
    )
    db.session.add(assessment)
    db.session.flush()
    statements = [s for section in version.sections for s in section.statements]
    rated: dict[str, str] = {}
    for index, statement in enumerate(statements):
        rating = rate(index, statement)
        if rating:
            scale_key, note = rating
            rated[statement.key] = scale_key
            db.session.add(
                Rating(
                    organisation_id=assessment.organisation_id,
                    assessment_id=assessment.id,
                    statement_id=statement.id,
                    scale_key=scale_key,
                    note=note,
                    updated_by_id=owner.id,
                )
            )
    # What completing stores: the scores and stage, as service.complete would.
    outcome = scoring.score(version.content, rated)
    assessment.stage_key = outcome.stage_reached.key if outcome.stage_reached else None
    assessment.points, assessment.possible = outcome.overall.points, outcome.overall.possible
    db.session.add_all(store_results(assessment, outcome))
    db.session.commit()
    return assessment


def download_pdf(client: FlaskClient, url: str, **kwargs):
    """A PDF as a browser gets it: asked for, made by the render queue (run here, in the
    test, rather than by a worker), then asked for again at the same address."""
    from p4p.reports.jobs import run_pending_jobs

    response = client.get(url, **kwargs)
    if response.status_code == 202:
        assert run_pending_jobs() >= 1
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def homecare_next(root: Path, source: Path) -> Path:
    """A folder holding homecare 1.0.0 (copied from `source`, the published checklists) and a
    made-up homecare 2.0.0 derived from it for tests of carrying answers, whatever the real
    next version says: the first statement narrowed under a new key, the second section's
    second statement broadened under a new key, the first section's fourth statement removed
    with a reason, and the third section's first statement allowed not to apply."""
    import yaml

    text = (source / "homecare" / "1.0.0.yaml").read_text()
    folder = root / "homecare"
    folder.mkdir(parents=True)
    (folder / "1.0.0.yaml").write_text(text)
    content = yaml.safe_load(text)
    content["version"] = "2.0.0"
    sections = content["sections"]
    first = sections[0]["statements"][0]
    first["from"] = [{"key": first["key"], "relation": "narrower"}]
    first["key"] = "hc-first-talk"
    broad = sections[1]["statements"][1]
    broad["from"] = [{"key": broad["key"], "relation": "broader"}]
    broad["key"] = "hc-with-not-for"
    gone = sections[0]["statements"].pop(3)
    content["removed"] = [{"key": gone["key"], "reason": "Folded into the first conversation."}]
    sections[2]["statements"][0]["may-not-apply"] = True

    class Plain(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    (folder / "2.0.0.yaml").write_text(yaml.dump(content, Dumper=Plain, allow_unicode=True))
    return root
