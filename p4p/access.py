"""Who may do what: one table of rules, checked before every request of a blueprint.

Every view declares its rule with @rule(...). A view without one is refused (default deny), and
a test walks the URL map to prove every endpoint has one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from p4p.auth.models import Organisation, OrganisationKind, Role

ALL_ROLES = frozenset(Role)
View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    name: str
    anonymous: bool = False
    admin: bool = False
    roles: frozenset[Role] | None = None
    kinds: frozenset[OrganisationKind] | None = None

    def allows(self, user: Any) -> bool:
        if self.anonymous:
            return True
        if not user.is_authenticated:
            return False
        if self.admin:
            return bool(user.is_admin)
        if self.roles is None and self.kinds is None:
            return True
        role, organisation = user.role, user.organisation
        if role is None or organisation is None:
            return False
        if self.kinds is not None and OrganisationKind(organisation.kind) not in self.kinds:
            return False
        return self.roles is None or role in self.roles


PROVIDER = frozenset({OrganisationKind.PROVIDER})
COMMISSIONER = frozenset({OrganisationKind.COMMISSIONER})
ASSOCIATION = frozenset({OrganisationKind.ASSOCIATION})
OWNER_AND_MANAGER = frozenset({Role.OWNER, Role.MANAGER})

PUBLIC = Rule("public", anonymous=True)
SIGNED_IN = Rule("signed in")
ADMIN = Rule("operator", admin=True)
TEAM_READ = Rule("team.read", roles=ALL_ROLES)
TEAM_MANAGE = Rule("team.manage", roles=frozenset({Role.OWNER}))
ASSESSMENT_READ = Rule("assessment.read", roles=ALL_ROLES, kinds=PROVIDER)
ASSESSMENT_RATE = Rule(
    "assessment.rate", roles=frozenset({Role.OWNER, Role.MANAGER, Role.CONTRIBUTOR}), kinds=PROVIDER
)
ASSESSMENT_MANAGE = Rule(
    "assessment.manage", roles=frozenset({Role.OWNER, Role.MANAGER}), kinds=PROVIDER
)
SHARING_READ = Rule("sharing.read", roles=OWNER_AND_MANAGER, kinds=PROVIDER)
SHARING_MANAGE = Rule("sharing.manage", roles=frozenset({Role.OWNER}), kinds=PROVIDER)
COMMISSIONING_READ = Rule("commissioning.read", roles=ALL_ROLES, kinds=COMMISSIONER)
COMMISSIONING_MANAGE = Rule(
    "commissioning.manage", roles=frozenset({Role.OWNER}), kinds=COMMISSIONER
)
MEMBERSHIPS_READ = Rule("memberships.read", roles=OWNER_AND_MANAGER, kinds=PROVIDER)
MEMBERSHIPS_MANAGE = Rule("memberships.manage", roles=frozenset({Role.OWNER}), kinds=PROVIDER)
ASSOCIATION_READ = Rule("association.read", roles=ALL_ROLES, kinds=ASSOCIATION)
ASSOCIATION_MANAGE = Rule("association.manage", roles=frozenset({Role.OWNER}), kinds=ASSOCIATION)
# The JSON API: checked against the token's user by p4p.api.bearer, not the session.
API_COMMISSIONING = Rule("api.commissioning", roles=ALL_ROLES, kinds=COMMISSIONER)
API_READ = Rule("api.read", roles=ALL_ROLES, kinds=PROVIDER | COMMISSIONER)
# A commissioner reads a sharing provider's results; which providers, and how much of them, is
# tenancy's answer (an id without an active share is 404, not 403).
SHARED_READ = Rule("shared.read", roles=ALL_ROLES, kinds=COMMISSIONER)

RULES = {
    r.name: r
    for r in (
        PUBLIC,
        SIGNED_IN,
        ADMIN,
        TEAM_READ,
        TEAM_MANAGE,
        ASSESSMENT_READ,
        ASSESSMENT_RATE,
        ASSESSMENT_MANAGE,
        SHARING_READ,
        SHARING_MANAGE,
        COMMISSIONING_READ,
        COMMISSIONING_MANAGE,
        MEMBERSHIPS_READ,
        MEMBERSHIPS_MANAGE,
        ASSOCIATION_READ,
        ASSOCIATION_MANAGE,
        API_COMMISSIONING,
        API_READ,
        SHARED_READ,
    )
}


def rule(access: Rule) -> Callable[[View], View]:
    def mark(view: View) -> View:
        view.access_rule = access  # type: ignore[attr-defined]
        return view

    return mark


def can(name: str) -> bool:
    """For templates: may the current user do what the named rule guards?"""
    return RULES[name].allows(current_user)


def current_organisation() -> Organisation:
    organisation = current_user.organisation if current_user.is_authenticated else None
    if organisation is None:
        abort(403)
    return organisation


def protect(blueprint: Blueprint) -> Blueprint:
    blueprint.before_request(_check)
    return blueprint


def _check() -> Any:
    view = current_app.view_functions.get(request.endpoint or "")
    access: Rule | None = getattr(view, "access_rule", None)
    if access is None:
        abort(403)
    if access.allows(current_user):
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    abort(403)
