"""Whose data may this unit of work read and change? The one place that decides.

A *reach* names the organisations whose data may be read and those whose data may be changed.
A signed-in person reaches their own organisation; a commissioner also reads (never changes)
the providers with an active share to it, each within the share's scope. Operator commands
reach everything, and say why.

The rule is part of the structure, not remembered in each query:

- every ORM statement that touches a tenant table (a model marked `TenantOwned`, which carries
  `organisation_id`) is limited to the readable organisations by a `do_orm_execute` hook with
  `with_loader_criteria`, joins and relationship loads included; UPDATE and DELETE statements are
  limited to the writable ones;
- of a provider that shares with the viewer, only the rows its model's `shared_rows()` names
  are readable (completed assessments, their ratings and section scores, actions); a model
  that names none (team, invitations, action history, render jobs) is never shown to another
  organisation. What a share's *scope* hides inside those rows (evidence notes, names) is
  answered by `shows_personal()`, asked by every page, export and API response that shows
  another organisation's data;
- a flush that adds, changes or deletes a tenant row outside the writable organisations is
  refused;
- a statement or flush that touches tenant data while no reach is set raises `Unscoped`:
  forgetting fails loudly instead of leaking.

The reach lives on Flask's `g`, so it belongs to one application context: one request, one CLI
command, or one test body.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

from flask import g, has_app_context
from sqlalchemy import ColumnElement, ForeignKey, Select, and_, event, or_, select
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors
from sqlalchemy.sql.schema import Table
from werkzeug.exceptions import NotFound

from p4p.extensions import db

Model = TypeVar("Model")


class TenantOwned:
    """A model whose rows belong to one organisation. The column is declared here, once, so
    that tenancy's criteria can name it for every tenant model together."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )

    @classmethod
    def shared_rows(cls) -> ColumnElement[bool] | None:
        """Which of a provider's rows an organisation it shares with may read; None: none."""
        return None


class Unscoped(RuntimeError):
    """Tenant data was queried or written with no reach set: a programming error."""


class OutOfReach(NotFound, LookupError):
    """The row does not exist, or belongs to an organisation out of reach: answered as 404,
    so that ids reveal nothing about other organisations."""


OWN = "own"
AGGREGATE = "aggregate"


@dataclass(frozen=True)
class Reach:
    readable: frozenset[int] | None  # None: every organisation
    writable: frozenset[int] | None
    reason: str
    # Providers sharing with the viewer, read only, and the scope of each share.
    shared: tuple[tuple[int, str], ...] = ()

    def can_read(self, organisation_id: int | None) -> bool:
        return self.readable is None or organisation_id in self.readable

    def can_write(self, organisation_id: int | None) -> bool:
        return self.writable is None or organisation_id in self.writable

    def scope_of(self, organisation_id: int | None) -> str | None:
        """ "own" for an organisation this reach may change (or every one), a share's scope
        for a provider sharing with the viewer, None otherwise."""
        if self.writable is None or organisation_id in self.writable:
            return OWN
        return dict(self.shared).get(organisation_id)  # type: ignore[arg-type]


NOTHING = Reach(frozenset(), frozenset(), "nobody is signed in")


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as plain values: services take this (or an organisation id), never the
    signed-in user, so the CLI and tests call them the same way."""

    user_id: int | None
    organisation_id: int | None
    organisation_kind: str | None
    role: str | None
    is_admin: bool = False

    @classmethod
    def of(cls, user: Any) -> Viewer:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, None, None, None)
        membership = user.membership
        return cls(
            user_id=user.id,
            organisation_id=membership.organisation_id if membership else None,
            organisation_kind=membership.organisation.kind if membership else None,
            role=membership.role if membership else None,
            is_admin=bool(user.is_admin),
        )


def reach_of(viewer: Viewer) -> Reach:
    """What a viewer reaches: its own organisation, to read and to change; for a commissioner,
    also the providers with an active share to it, to read within each share's scope."""
    if viewer.organisation_id is None:
        return NOTHING
    own = frozenset({viewer.organisation_id})
    reason = f"member of organisation {viewer.organisation_id}"
    if viewer.organisation_kind != "commissioner":
        return Reach(own, own, reason)
    from p4p.sharing.models import Share  # the sharing tables are not tenant tables

    shared = tuple(
        (provider_id, scope)
        for provider_id, scope in db.session.execute(
            select(Share.provider_id, Share.scope)
            .where(Share.commissioner_id == viewer.organisation_id, Share.revoked_dt.is_(None))
            .order_by(Share.provider_id)
        )
    )
    readable = own | {provider_id for provider_id, _ in shared}
    return Reach(readable, own, f"{reason}, with {len(shared)} sharing", shared)


def acting_for(organisation_id: int) -> Reach:
    """What an organisation reaches when work is done for it with nobody signed in (the render
    worker making a document it asked for): as one of its members would, so a commissioner
    reads the providers sharing with it now, within each share's scope."""
    from p4p.auth.models import Organisation  # organisations are not tenant rows

    kind = db.session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id))
    return reach_of(Viewer(None, organisation_id, kind, None))


def organisation(organisation_id: int) -> Reach:
    """Exactly one organisation, to read and change (a command acting for one provider)."""
    own = frozenset({organisation_id})
    return Reach(own, own, f"acting for organisation {organisation_id}")


def aggregate(provider_ids: frozenset[int], reason: str) -> Reach:
    """Read-only, the completed work of exactly these providers, for figures that name none of
    them (an association's anonymous benchmarks of members who allow them). Nothing personal:
    `shows_personal` is false for every one."""
    ids = frozenset(provider_ids)
    return Reach(ids, frozenset(), reason, tuple((i, AGGREGATE) for i in sorted(ids)))


def everything(reason: str) -> Reach:
    """Every organisation: operator commands, sign-up and joining, test set-up. Say why."""
    return Reach(None, None, reason)


def current() -> Reach | None:
    return g.get("_p4p_reach") if has_app_context() else None


def scope_of(organisation_id: int | None) -> str | None:
    """How the current reach sees an organisation: "own", "full", "summary" or None."""
    reach = current()
    return reach.scope_of(organisation_id) if reach is not None else None


def shows_personal(organisation_id: int | None) -> bool:
    """May evidence notes and people's names of this organisation be shown? Only to itself
    (and operators) and to a commissioner it shares with in the full scope."""
    return scope_of(organisation_id) in (OWN, "full")


def audience(organisation_id: int) -> str:
    """Who is shown an organisation's data, as far as what may be shown differs: "own" (the
    organisation itself, or operators), or the viewing organisation and its share's scope.
    Part of a document's cache key, so a document made for one is never served to another."""
    scope = scope_of(organisation_id)
    if scope == OWN:
        return OWN
    reach = current()
    viewers = sorted(reach.writable or ()) if reach is not None else []
    return f"{scope} for {viewers}"


def shared_providers() -> tuple[int, ...]:
    """The providers sharing with the current viewer, in id order."""
    reach = current()
    return tuple(provider_id for provider_id, _ in reach.shared) if reach else ()


def enter(reach: Reach) -> None:
    """Set the reach of the current application context (a request sets it once)."""
    g._p4p_reach = reach


@contextmanager
def within(reach: Reach) -> Iterator[Reach]:
    """Run a block with another reach, restoring the previous one afterwards."""
    previous = current()
    enter(reach)
    try:
        yield reach
    finally:
        g._p4p_reach = previous


def get(model: type[Model], row_id: int, *options: Any) -> Model:
    """A tenant row by id, or OutOfReach (404) when it does not exist or is out of reach."""
    statement: Select = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if options:
        statement = statement.options(*options)
    row = db.session.scalar(statement)
    if row is None:
        raise OutOfReach()
    return row


# --- the hooks ------------------------------------------------------------------------------


def _tenant_tables() -> frozenset[str]:
    return frozenset(
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, TenantOwned)
    )


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantOwned) for m in state.all_mappers):
        return True
    tenant = _tenant_tables()
    return any(
        isinstance(element, Table) and element.name in tenant
        for element in visitors.iterate(state.statement)
    )


@event.listens_for(Session, "do_orm_execute")
def _limit_to_reach(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        return  # refreshing attributes of a row that was loaded within reach
    reach = current()
    if reach is None:
        if _touches_tenant_data(state):
            raise Unscoped(
                "tenant data queried with no reach set: enter one with p4p.tenancy "
                "(a request does this itself; commands and tests must say whose data they use)"
            )
        return
    allowed = reach.readable if state.is_select else reach.writable
    if allowed is None:
        return
    if state.is_select and reach.shared:
        state.statement = state.statement.options(*_sharing_criteria(reach))
        return
    ids = tuple(sorted(allowed))
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantOwned,
            lambda cls: cls.organisation_id.in_(ids),
            include_aliases=True,
            track_closure_variables=True,
        )
    )


def _sharing_criteria(reach: Reach) -> list[Any]:
    """One criterion per tenant model: the viewer's own rows, and of the sharing providers
    only those the model's `shared_rows()` names."""
    own = tuple(sorted(reach.writable or ()))
    sharing = tuple(provider_id for provider_id, _ in reach.shared)
    options = []
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if not issubclass(model, TenantOwned) or mapper.inherits is not None:
            continue
        shared_rows = model.shared_rows()
        criterion = model.organisation_id.in_(own)
        if shared_rows is not None:
            criterion = or_(criterion, and_(model.organisation_id.in_(sharing), shared_rows))
        options.append(with_loader_criteria(model, criterion, include_aliases=True))
    return options


def _owner_of(row: Any) -> int | None:
    if row.organisation_id is not None:
        return row.organisation_id
    owner = getattr(row, "organisation", None)
    return owner.id if owner is not None else None


@event.listens_for(Session, "before_flush")
def _refuse_writes_out_of_reach(session: Session, flush_context: Any, instances: Any) -> None:
    rows = [
        row
        for row in chain(session.new, session.dirty, session.deleted)
        if isinstance(row, TenantOwned)
    ]
    if not rows:
        return
    reach = current()
    if reach is None:
        raise Unscoped("tenant data written with no reach set")
    for row in rows:
        if not reach.can_write(_owner_of(row)):
            raise OutOfReach(
                f"{type(row).__name__} of organisation {_owner_of(row)} is out of reach "
                f"({reach.reason})"
            )
