"""Sharing: a commissioner's code, a provider's consent and scope, and the record of views.

The sharing tables join two organisations, so every function here filters them by the
organisation it is given (the viewer's own): a provider manages only its own shares, a
commissioner only its own code. What a share lets a commissioner read is decided in
`p4p.tenancy`, which reads the active shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from p4p import codes
from p4p.auth.models import Organisation, OrganisationKind
from p4p.extensions import db
from p4p.sharing.models import Scope, Share, ShareView
from p4p.tenancy import Viewer
from p4p.timeutil import utcnow

VIEWS_PER_PAGE = 50


# --- the commissioner's code --------------------------------------------------------------


WHO = "the commissioner"
SharingError = codes.CodeError


def current_code(commissioner_id: int) -> codes.OrganisationCode:
    """The commissioner's sharing code in use, made on first asking."""
    return codes.current(commissioner_id, codes.Purpose.SHARING)


def replace_code(commissioner_id: int) -> codes.OrganisationCode:
    """A new code; the old one stops working at once. Providers already sharing keep sharing."""
    return codes.replace(commissioner_id, codes.Purpose.SHARING)


def normalise_code(text: str | None) -> str:
    return codes.normalise(text, WHO)


def commissioner_for(code_text: str | None) -> Organisation:
    """The commissioner whose current sharing code this is; SharingError when none is."""
    return codes.owner_of(
        code_text, codes.Purpose.SHARING, OrganisationKind.COMMISSIONER.value, WHO
    )


# --- the provider's shares ----------------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    share: Share
    created: bool
    scope_changed: bool


def active_share(provider_id: int, commissioner_id: int) -> Share | None:
    return db.session.scalar(
        select(Share).where(
            Share.provider_id == provider_id,
            Share.commissioner_id == commissioner_id,
            Share.revoked_dt.is_(None),
        )
    )


def share(provider_id: int, code_text: str | None, scope: Scope, by: Viewer) -> Shared:
    """Share the provider's completed results with the commissioner whose code this is.
    Sharing again with the same commissioner is harmless: the share stays, with the scope
    chosen this time."""
    commissioner = commissioner_for(code_text)
    if commissioner.id == provider_id:
        raise SharingError("An organisation cannot share with itself.")
    existing = active_share(provider_id, commissioner.id)
    if existing is None:
        try:
            with db.session.begin_nested():
                created = Share(
                    provider_id=provider_id,
                    commissioner_id=commissioner.id,
                    scope=scope.value,
                    created_by_id=by.user_id,
                )
                db.session.add(created)
        except IntegrityError:
            # Two owners shared at the same moment: the other one's share stands.
            existing = active_share(provider_id, commissioner.id)
            if existing is None:
                raise
        else:
            return Shared(created, created=True, scope_changed=False)
    changed = existing.scope != scope.value
    if changed:
        existing.scope = scope.value
        existing.scope_changed_dt = utcnow()
    return Shared(existing, created=False, scope_changed=changed)


def _own_share(provider_id: int, share_id: int) -> Share:
    found = db.session.scalar(
        select(Share)
        .where(Share.id == share_id, Share.provider_id == provider_id)
        .with_for_update()
    )
    if found is None:
        raise LookupError(share_id)
    return found


def change_scope(provider_id: int, share_id: int, scope: Scope) -> Share:
    found = _own_share(provider_id, share_id)
    if found.revoked_dt is not None:
        raise SharingError(
            "That share has been revoked. Enter the commissioner's code to share again."
        )
    if found.scope != scope.value:
        found.scope = scope.value
        found.scope_changed_dt = utcnow()
    return found


def revoke(provider_id: int, share_id: int, by: Viewer) -> Share:
    """End a share at once: the commissioner's next request no longer reaches the provider."""
    found = _own_share(provider_id, share_id)
    if found.revoked_dt is None:
        found.revoked_dt = utcnow()
        found.revoked_by_id = by.user_id
    return found


def shares_of(provider_id: int) -> list[Share]:
    """The provider's shares, active first, then revoked ones, newest first."""
    return list(
        db.session.scalars(
            select(Share)
            .where(Share.provider_id == provider_id)
            .options(selectinload(Share.commissioner))
            .order_by(Share.revoked_dt.is_not(None), Share.revoked_dt.desc(), Share.id.desc())
        )
    )


def sharing_count(commissioner_id: int) -> int:
    return db.session.scalar(
        select(func.count(Share.id)).where(
            Share.commissioner_id == commissioner_id, Share.revoked_dt.is_(None)
        )
    )


# --- the record of views ------------------------------------------------------------------


def record_views(viewer: Viewer, viewer_name: str, provider_ids: Iterable[int], what: str) -> None:
    """Record that someone at a commissioner looked at these providers' data (one statement,
    however many providers). Looks at one's own data are not recorded."""
    rows = [
        {
            "provider_id": provider_id,
            "commissioner_id": viewer.organisation_id,
            "user_id": viewer.user_id,
            "viewer_name": viewer_name[:200],
            "what": what[:200],
            "viewed_dt": utcnow(),
        }
        for provider_id in dict.fromkeys(provider_ids)
        if provider_id != viewer.organisation_id
    ]
    if rows:
        db.session.execute(insert(ShareView), rows)


def views_of(provider_id: int, page: int = 1) -> Any:
    """Who at which commissioner looked at the provider's data, newest first: a page."""
    return db.paginate(
        select(ShareView)
        .where(ShareView.provider_id == provider_id)
        .options(selectinload(ShareView.commissioner))
        .order_by(ShareView.viewed_dt.desc(), ShareView.id.desc()),
        page=page,
        per_page=VIEWS_PER_PAGE,
        error_out=False,
        count=True,
    )
