"""The providers table: every provider sharing with a commissioner, with the figures of its
latest completed assessment, in a fixed number of queries however many providers share.

One statement finds the page of providers (latest and previous completed assessment by window
functions, open and overdue actions by one grouped subquery, filters, sort, limit); one more
counts them; the stored section (or lens) results and pinned statements' ratings of the
page's assessments are read in one statement each. Nothing here re-scores a rating: completed
assessments keep their scores (`section_results`, `lens_results`).

`provider_rows` is the contract the JSON API relies on; `table` adds what the pages show
(lens figures, pinned statements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from p4p import scoring
from p4p.actions.models import OPEN_STATUSES, Action
from p4p.actions.service import today
from p4p.assessments.models import (
    Assessment,
    AssessmentStatus,
    LensResult,
    Rating,
    SectionResult,
)
from p4p.auth.models import Organisation
from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.models import Checklist, ChecklistVersion, Statement
from p4p.commissioning import lenses
from p4p.extensions import db
from p4p.sharing.models import Share
from p4p.timeutil import utcnow

STALE_AFTER = timedelta(days=365)
PER_PAGE = 25
MAX_PER_PAGE = 100
# Column keys that sort; "section:KEY" and "lens:SCHEME:TAG" sort by that figure too.
SORTS = ("name", "edition", "completed", "stage", "overall", "change", "open", "overdue")
SECTION = lenses.SECTION


@dataclass(frozen=True)
class ProviderRow:
    provider_id: int
    name: str
    scope: str  # "summary" or "full" (the share's scope)
    checklist_key: str | None  # edition of the latest completed assessment (None: none yet)
    edition_title: str | None
    version: str | None
    assessment_id: int | None  # latest completed assessment
    completed_dt: datetime | None
    stage_key: str | None
    stage_label: str | None  # None when no stage reached or no assessment
    overall_percent: int | None  # round(100 * points / possible)
    previous_overall_percent: int | None  # the completed assessment before it, same edition
    section_percents: dict[str, int | None]  # by section key
    open_actions: int
    overdue_actions: int

    @property
    def change(self) -> int | None:
        if self.overall_percent is None or self.previous_overall_percent is None:
            return None
        return self.overall_percent - self.previous_overall_percent

    @property
    def change_text(self) -> str:
        """The change since the previous assessment in words, figures included."""
        if self.overall_percent is None:
            return "No assessment yet"
        if self.previous_overall_percent is None:
            return "First assessment"
        before, now = self.previous_overall_percent, self.overall_percent
        if now > before:
            return f"Up from {before}% to {now}%"
        if now < before:
            return f"Down from {before}% to {now}%"
        return f"Same, {now}%"


@dataclass(frozen=True)
class ProviderPage:
    items: list[ProviderRow]
    total: int
    page: int
    per_page: int
    pages: int


@dataclass(frozen=True)
class Figure:
    """A stored score: a percentage and how many statements it rests on."""

    percent: int
    statements: int


@dataclass(frozen=True)
class Column:
    key: str  # "section:KEY" or "lens:SCHEME:TAG"
    label: str


@dataclass(frozen=True)
class Table:
    """What the providers page shows: the page of rows, the figure columns of the lens in
    view and each row's figures (by assessment id, then column key), the pinned statements'
    ratings (by assessment id, then statement key: the rating's label)."""

    page: ProviderPage
    lens: str
    columns: list[Column]
    figures: dict[int, dict[str, Figure]]
    lens_title: str = "sections"
    rule: str = ""
    pins: list[Any] = field(default_factory=list)  # pins.Pin, of the editions in view
    pinned: dict[int, dict[str, Cell]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    """A rating in words; `level` is only for the colour beside the words ("top", "middle",
    "bottom", "unrated" or "absent")."""

    label: str
    level: str


def level_of(checklist: ChecklistDef, scale_key: str | None) -> str:
    keys = checklist.scale_keys
    if scale_key not in keys:
        return "unrated"
    position = keys.index(scale_key)
    return "top" if position == len(keys) - 1 else "bottom" if position == 0 else "middle"


def percent(points: int | None, possible: int | None) -> int | None:
    """Whole per cent, rounded half up (as `scoring.Score.percent`); None with no score."""
    if points is None or possible is None:
        return None
    return scoring.percent(points, possible)


def _percent_sql(points: Any, possible: Any) -> ColumnElement:
    """The same rounding in SQL, for sorting (NULL when there is no score)."""
    return case(
        (possible > 0, (200 * points + possible) // (2 * possible)),
        (possible == 0, literal(0)),
        else_=None,
    )


# --- the catalogue the table needs (a handful of rows, whatever the number of providers) ----


@dataclass(frozen=True)
class Catalogue:
    versions: dict[int, ChecklistVersion]

    def content(self, version_id: int) -> ChecklistDef:
        return self.versions[version_id].content

    def newest(self) -> dict[str, ChecklistDef]:
        """The newest version of each edition, by edition key."""
        newest: dict[str, ChecklistVersion] = {}
        for version in self.versions.values():
            key = version.checklist.key
            if key not in newest or version.sort_key > newest[key].sort_key:
                newest[key] = version
        return {key: version.content for key, version in newest.items()}

    def points_of_scale(self) -> dict[str, int]:
        points: dict[str, int] = {}
        for version in self.versions.values():
            for option in version.scale:
                points.setdefault(option["key"], option["points"])
        return points

    def stage_order(self) -> dict[str, int]:
        order: dict[str, int] = {}
        for version in self.versions.values():
            for position, stage in enumerate(version.stages, start=1):
                order.setdefault(stage["key"], position)
        return order

    def stages(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for content in self.newest().values():
            for stage in content.stages:
                seen.setdefault(stage.key, stage.label)
        return list(seen.items())


def catalogue() -> Catalogue:
    from sqlalchemy.orm import selectinload

    versions = db.session.scalars(
        select(ChecklistVersion).options(selectinload(ChecklistVersion.checklist))
    ).all()
    return Catalogue({version.id: version for version in versions})


# --- the query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criteria:
    commissioner_id: int
    sort: str = "name"
    descending: bool = False
    edition: str | None = None
    stage: str | None = None  # a stage key, or "none" (no stage reached yet)
    overdue_only: bool = False
    stale_only: bool = False
    search: str | None = None
    provider_ids: tuple[int, ...] | None = None  # only these (comparing)


def _sharing(commissioner_id: int) -> Select:
    return select(Share.provider_id).where(
        Share.commissioner_id == commissioner_id, Share.revoked_dt.is_(None)
    )


def _rows_statement(
    criteria: Criteria, stage_order: dict[str, int], only: Sequence[int] | None = None
) -> tuple[Select, Any]:
    """The statement of the filtered rows (not yet sorted or limited), and its subquery of
    each provider's latest assessment (for joining figures). `only`: just these providers
    (the page already chosen), so that nothing is computed for the others.

    Each provider's latest completed assessment and the one before it of the same edition
    come from one grouped subquery over window functions (the database joins a grouped
    subquery by an index it builds; joining the window subquery itself would scan it for
    every provider). Tenant tables appear unaliased, once each, since tenancy's criteria
    name the tables themselves."""
    providers: Any = _sharing(criteria.commissioner_id) if only is None else list(only)
    order_by = (Assessment.completed_dt.desc(), Assessment.id.desc())
    ranked_version = aliased(ChecklistVersion)
    by_provider = {"partition_by": Assessment.organisation_id, "order_by": order_by}
    ranked = (
        select(
            Assessment.id,
            Assessment.organisation_id,
            Assessment.checklist_version_id,
            Assessment.completed_dt,
            Assessment.stage_key,
            Assessment.points,
            Assessment.possible,
            ranked_version.checklist_id,
            func.row_number().over(**by_provider).label("rank"),
            func.first_value(ranked_version.checklist_id)
            .over(**by_provider)
            .label("latest_checklist_id"),
            func.row_number()
            .over(
                partition_by=(Assessment.organisation_id, ranked_version.checklist_id),
                order_by=order_by,
            )
            .label("edition_rank"),
        )
        .join(ranked_version, ranked_version.id == Assessment.checklist_version_id)
        .where(
            Assessment.status == AssessmentStatus.COMPLETED.value,
            Assessment.organisation_id.in_(providers),
        )
        .subquery("ranked")
    )
    first = ranked.c.rank == 1
    before_it = and_(
        ranked.c.edition_rank == 2, ranked.c.checklist_id == ranked.c.latest_checklist_id
    )

    def of_latest(column: Any, name: str) -> Any:
        return func.max(case((first, column), else_=None)).label(name)

    def of_previous(column: Any, name: str) -> Any:
        return func.max(case((before_it, column), else_=None)).label(name)

    latest = (
        select(
            ranked.c.organisation_id,
            of_latest(ranked.c.id, "id"),
            of_latest(ranked.c.checklist_version_id, "checklist_version_id"),
            of_latest(ranked.c.completed_dt, "completed_dt"),
            of_latest(ranked.c.stage_key, "stage_key"),
            of_latest(ranked.c.points, "points"),
            of_latest(ranked.c.possible, "possible"),
            of_previous(ranked.c.points, "previous_points"),
            of_previous(ranked.c.possible, "previous_possible"),
        )
        .group_by(ranked.c.organisation_id)
        .subquery("latest")
    )
    is_open = Action.status.in_(OPEN_STATUSES)
    actions = (
        select(
            Action.organisation_id,
            func.sum(case((is_open, 1), else_=0)).label("open"),
            func.sum(case((and_(is_open, Action.due_on < today()), 1), else_=0)).label("overdue"),
        )
        .where(Action.organisation_id.in_(providers))
        .group_by(Action.organisation_id)
        .subquery("action_counts")
    )
    version = aliased(ChecklistVersion, name="version")
    edition = aliased(Checklist, name="edition")
    overall = _percent_sql(latest.c.points, latest.c.possible)
    before = _percent_sql(latest.c.previous_points, latest.c.previous_possible)
    open_actions = func.coalesce(actions.c.open, 0)
    overdue_actions = func.coalesce(actions.c.overdue, 0)
    statement = (
        select(
            Share.provider_id,
            Share.scope,
            Organisation.name,
            latest.c.id.label("assessment_id"),
            latest.c.checklist_version_id,
            latest.c.completed_dt,
            latest.c.stage_key,
            latest.c.points,
            latest.c.possible,
            latest.c.previous_points,
            latest.c.previous_possible,
            edition.key.label("checklist_key"),
            edition.title.label("edition_title"),
            version.version,
            open_actions.label("open_actions"),
            overdue_actions.label("overdue_actions"),
        )
        .select_from(Share)
        .join(Organisation, Organisation.id == Share.provider_id)
        .outerjoin(latest, latest.c.organisation_id == Share.provider_id)
        .outerjoin(version, version.id == latest.c.checklist_version_id)
        .outerjoin(edition, edition.id == version.checklist_id)
        .outerjoin(actions, actions.c.organisation_id == Share.provider_id)
        .where(Share.commissioner_id == criteria.commissioner_id, Share.revoked_dt.is_(None))
    )
    if criteria.provider_ids is not None:
        statement = statement.where(Share.provider_id.in_(criteria.provider_ids))
    if only is not None:
        statement = statement.where(Share.provider_id.in_(list(only)))
    if criteria.edition:
        statement = statement.where(edition.key == criteria.edition)
    if criteria.stage == "none":
        statement = statement.where(latest.c.id.is_not(None), latest.c.stage_key.is_(None))
    elif criteria.stage:
        statement = statement.where(latest.c.stage_key == criteria.stage)
    if criteria.overdue_only:
        statement = statement.where(overdue_actions > 0)
    if criteria.stale_only:
        statement = statement.where(
            or_(latest.c.id.is_(None), latest.c.completed_dt < utcnow() - STALE_AFTER)
        )
    if criteria.search and criteria.search.strip():
        statement = statement.where(
            func.lower(Organisation.name).contains(criteria.search.strip().lower(), autoescape=True)
        )
    columns = {
        "name": func.lower(Organisation.name),
        "edition": func.lower(edition.title),
        "completed": latest.c.completed_dt,
        "stage": _stage_position(latest, stage_order),
        "overall": overall,
        "change": overall - before,
        "open": open_actions,
        "overdue": overdue_actions,
    }
    return statement, (latest, columns)


def _stage_position(latest: Any, stage_order: dict[str, int]) -> ColumnElement:
    """Stages in their order (none reached yet first); no assessment: NULL."""
    whens = [(latest.c.stage_key == key, literal(n)) for key, n in stage_order.items()]
    return case(*whens, (latest.c.id.is_not(None), literal(0)), else_=None)


def _sort_expression(
    sort: str, latest: Any, columns: dict[str, Any], cat: Catalogue
) -> tuple[Any, Any]:
    """The expression a sort key orders by, and any join it needs (None: none)."""
    if sort in columns:
        return columns[sort], None
    kind, _, rest = sort.partition(":")
    if kind == "pin" and rest:
        join = (
            Rating,  # not an alias: tenancy's criteria name the table itself
            and_(
                Rating.assessment_id == latest.c.id,
                Rating.statement_id.in_(select(Statement.id).where(Statement.key == rest)),
            ),
        )
        points = cat.points_of_scale()
        whens = [(Rating.scale_key == key, literal(value)) for key, value in points.items()]
        return (case(*whens, else_=None) if whens else literal(None)), join
    if kind == SECTION and rest:
        # Not an alias: tenancy's criteria name the table itself.
        result = SectionResult
        join = (result, and_(result.assessment_id == latest.c.id, result.section_key == rest))
        return _percent_sql(result.points, result.possible), join
    if kind == "lens" and ":" in rest:
        scheme, _, tag = rest.partition(":")
        lens = LensResult  # not an alias: tenancy's criteria name the table itself
        join = (
            lens,
            and_(lens.assessment_id == latest.c.id, lens.scheme == scheme, lens.tag == tag),
        )
        return _percent_sql(lens.points, lens.possible), join
    return columns["name"], None


def valid_sort(sort: str | None) -> str:
    if not sort:
        return "name"
    if sort in SORTS:
        return sort
    kind, _, rest = sort.partition(":")
    if kind in (SECTION, "pin") and rest and len(rest) <= 40:
        return sort
    if kind == "lens" and rest.count(":") == 1 and len(rest) <= 81:
        return sort
    return "name"


def _ordered(criteria: Criteria, cat: Catalogue, only: Sequence[int] | None = None) -> Select:
    statement, (latest, columns) = _rows_statement(criteria, cat.stage_order(), only)
    expression, join = _sort_expression(criteria.sort, latest, columns, cat)
    if join is not None:
        statement = statement.outerjoin(*join)
    ordered = expression.desc() if criteria.descending else expression.asc()
    # Providers without the figure come last whichever way the column is sorted.
    return statement.order_by(
        expression.is_(None), ordered, func.lower(Organisation.name), Share.provider_id
    )


def _by_name(criteria: Criteria) -> Select | None:
    """The page's providers when neither the order nor a filter needs any figure: shares and
    names alone, so the first page of 10,000 providers computes figures for 25 of them."""
    if criteria.sort != "name" or criteria.edition or criteria.stage:
        return None
    if criteria.overdue_only or criteria.stale_only:
        return None
    statement = (
        select(Share.provider_id)
        .join(Organisation, Organisation.id == Share.provider_id)
        .where(Share.commissioner_id == criteria.commissioner_id, Share.revoked_dt.is_(None))
    )
    if criteria.provider_ids is not None:
        statement = statement.where(Share.provider_id.in_(criteria.provider_ids))
    if criteria.search and criteria.search.strip():
        statement = statement.where(
            func.lower(Organisation.name).contains(criteria.search.strip().lower(), autoescape=True)
        )
    name = func.lower(Organisation.name)
    return statement.order_by(name.desc() if criteria.descending else name, Share.provider_id)


def _query(
    criteria: Criteria, cat: Catalogue, *, page: int | None, per_page: int
) -> tuple[list[Any], int, Select]:
    """The rows (every one when page is None), the number matching, and the statement of
    every matching row. A page is chosen first (its provider ids), then only its rows'
    figures are gathered: three statements, whatever the number of providers."""
    everything = _ordered(criteria, cat)
    if page is None:
        rows = db.session.execute(everything).all()
        return rows, len(rows), everything
    chosen = _by_name(criteria)
    start = (page - 1) * per_page
    if chosen is None:
        # The order or a filter needs every provider's figures: one pass gives the order of
        # them all (ids only), the number, and the page.
        ordered_ids = list(db.session.scalars(everything.with_only_columns(Share.provider_id)))
        total, ids = len(ordered_ids), ordered_ids[start : start + per_page]
    else:
        total = db.session.scalar(
            select(func.count()).select_from(chosen.order_by(None).subquery())
        )
        ids = list(db.session.scalars(chosen.limit(per_page).offset(start)))
    rows = db.session.execute(_ordered(criteria, cat, only=ids)).all() if ids else []
    return rows, total or 0, everything


def _stage_label(cat: Catalogue, version_id: int | None, stage_key: str | None) -> str | None:
    if version_id is None or stage_key is None:
        return None
    stage = cat.content(version_id).stage(stage_key)
    return stage.label if stage else None


Ids = Sequence[int] | Select


def _section_figures(assessment_ids: Ids) -> dict[int, dict[str, Figure]]:
    """Stored section scores, by assessment id then "section:KEY". `assessment_ids` is a list
    (a page) or a statement selecting them (an export of every row)."""
    found: dict[int, dict[str, Figure]] = {}
    if isinstance(assessment_ids, Sequence) and not assessment_ids:
        return found
    for result in db.session.execute(
        select(
            SectionResult.assessment_id,
            SectionResult.section_key,
            SectionResult.points,
            SectionResult.possible,
            SectionResult.total,
        ).where(SectionResult.assessment_id.in_(assessment_ids))
    ):
        found.setdefault(result.assessment_id, {})[f"{SECTION}:{result.section_key}"] = Figure(
            percent(result.points, result.possible) or 0, result.total
        )
    return found


def _rows(
    raw: Sequence[Any], cat: Catalogue, sections: dict[int, dict[str, Figure]] | None = None
) -> list[ProviderRow]:
    if sections is None:
        sections = _section_figures([r.assessment_id for r in raw if r.assessment_id])
    prefix = len(SECTION) + 1
    return [
        ProviderRow(
            provider_id=r.provider_id,
            name=r.name,
            scope=r.scope,
            checklist_key=r.checklist_key,
            edition_title=r.edition_title,
            version=r.version,
            assessment_id=r.assessment_id,
            completed_dt=r.completed_dt,
            stage_key=r.stage_key,
            stage_label=_stage_label(cat, r.checklist_version_id, r.stage_key),
            overall_percent=percent(r.points, r.possible),
            previous_overall_percent=percent(r.previous_points, r.previous_possible),
            section_percents={
                key[prefix:]: figure.percent
                for key, figure in sections.get(r.assessment_id or 0, {}).items()
            },
            open_actions=int(r.open_actions or 0),
            overdue_actions=int(r.overdue_actions or 0),
        )
        for r in raw
    ]


def _page_number(page: int, per_page: int) -> tuple[int, int]:
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    return max(1, page), per_page


def provider_rows(
    commissioner_id: int,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: str = "name",
    descending: bool = False,
    edition: str | None = None,
    stage: str | None = None,
    overdue_only: bool = False,
    stale_only: bool = False,
    search: str | None = None,
) -> ProviderPage:
    """A page of the providers with an active share to the commissioner, with the figures of
    each one's latest completed assessment."""
    criteria = Criteria(
        commissioner_id,
        valid_sort(sort),
        descending,
        edition,
        stage,
        overdue_only,
        stale_only,
        search,
    )
    # A page past the last is empty (an API client reads until it is), not the last page.
    return _page(criteria, catalogue(), page, per_page, clamp=False)[0]


def _page(
    criteria: Criteria, cat: Catalogue, page: int, per_page: int, *, clamp: bool = True
) -> tuple[ProviderPage, list[Any], dict[int, dict[str, Figure]]]:
    """A page of rows; with `clamp`, a page past the last shows the last (a stale link)."""
    page, per_page = _page_number(page, per_page)
    raw, total, _ = _query(criteria, cat, page=page, per_page=per_page)
    pages = max(1, -(-total // per_page))
    if clamp and page > pages and total:
        page = pages
        raw, total, _ = _query(criteria, cat, page=page, per_page=per_page)
    sections = _section_figures([r.assessment_id for r in raw if r.assessment_id])
    return ProviderPage(_rows(raw, cat, sections), total, page, per_page, pages), raw, sections


@dataclass(frozen=True)
class Everything:
    """Every matching row (an export), with the figures of the lens in view."""

    rows: list[ProviderRow]
    lens: lenses.Lens
    columns: list[Column]
    figures: dict[int, dict[str, Figure]]
    pins: list[Any] = field(default_factory=list)
    pinned: dict[int, dict[str, Cell]] = field(default_factory=dict)


def everything(
    criteria: Criteria, cat: Catalogue, lens: str | None = SECTION, pins: Sequence[Any] = ()
) -> Everything:
    """Every matching row, unpaginated, in the table's order, in a fixed number of queries:
    the figures are read by joining the rows' statement, not by listing thousands of ids."""
    chosen = lenses.lens_of(lens)
    raw, _, _ = _query(criteria, cat, page=None, per_page=0)
    ids = [r.assessment_id for r in raw if r.assessment_id]  # one list, however long
    sections = _section_figures(ids)
    rows = _rows(raw, cat, sections)
    editions = editions_in_view(rows, cat, criteria.edition)
    shown_pins = [pin for pin in pins if pin.checklist_key in editions]
    return Everything(
        rows,
        chosen,
        lens_columns(chosen, editions, cat),
        figures_for(chosen, ids, sections),
        shown_pins,
        pinned_ratings(ids, [pin.statement_key for pin in shown_pins], cat),
    )


def editions_in_view(rows: Sequence[ProviderRow], cat: Catalogue, edition: str | None) -> list[str]:
    """The editions whose sections the table shows as columns: the one filtered for, or every
    edition the providers shown use."""
    if edition:
        return [edition] if edition in cat.newest() else []
    return sorted(
        {row.checklist_key for row in rows if row.checklist_key},
        key=lambda key: cat.newest()[key].title if key in cat.newest() else key,
    )


def section_columns(editions: Sequence[str], cat: Catalogue) -> list[Column]:
    newest = cat.newest()
    columns = []
    for key in editions:
        content = newest.get(key)
        if content is None:
            continue
        prefix = f"{content.title}: " if len(editions) > 1 else ""
        columns.extend(Column(f"{SECTION}:{s.key}", prefix + s.title) for s in content.sections)
    return columns


def lens_figures(assessment_ids: Ids, scheme: str) -> dict[int, dict[str, Figure]]:
    """The stored scores of one scheme's tags, by assessment id, then "lens:SCHEME:TAG"."""
    found: dict[int, dict[str, Figure]] = {}
    if isinstance(assessment_ids, Sequence) and not assessment_ids:
        return found
    for result in db.session.execute(
        select(
            LensResult.assessment_id,
            LensResult.tag,
            LensResult.points,
            LensResult.possible,
            LensResult.total,
        ).where(LensResult.assessment_id.in_(assessment_ids), LensResult.scheme == scheme)
    ):
        found.setdefault(result.assessment_id, {})[f"lens:{scheme}:{result.tag}"] = Figure(
            percent(result.points, result.possible) or 0, result.total
        )
    return found


def pinned_ratings(
    assessment_ids: Ids, statement_keys: Sequence[str], cat: Catalogue
) -> dict[int, dict[str, Cell]]:
    """The pinned statements' ratings in words, by assessment id then statement key (only the
    scale key is read, never a note). A statement missing from an assessment's version has
    no entry."""
    found: dict[int, dict[str, Cell]] = {}
    if not statement_keys or (isinstance(assessment_ids, Sequence) and not assessment_ids):
        return found
    for assessment_id, key, version_id, scale_key, reason in db.session.execute(
        select(
            Rating.assessment_id,
            Statement.key,
            Statement.version_id,
            Rating.scale_key,
            Rating.not_applicable_reason,
        )
        .join(Statement, Statement.id == Rating.statement_id)
        .where(Rating.assessment_id.in_(assessment_ids), Statement.key.in_(statement_keys))
    ):
        found.setdefault(assessment_id, {})[key] = rating_cell(
            cat.content(version_id), scale_key, reason
        )
    return found


def rating_cell(content: ChecklistDef, scale_key: str | None, not_applicable: str | None) -> Cell:
    """A rating in words, or "Does not apply here" with the provider's reason (so that it
    cannot quietly hide a gap)."""
    if not_applicable:
        return Cell(f"Does not apply here: {not_applicable}", "absent")
    return Cell(content.label_of(scale_key), level_of(content, scale_key))


def lens_columns(lens: lenses.Lens, editions: Sequence[str], cat: Catalogue) -> list[Column]:
    if lens.key == SECTION:
        return section_columns(editions, cat)
    newest = cat.newest()
    checklists = [newest[key] for key in editions if key in newest]
    return [
        Column(f"lens:{lens.key}:{tag}", lenses.tag_label(lens.key, tag))
        for tag in lenses.tags(lens.key, checklists)
    ]


def figures_for(
    lens: lenses.Lens, assessment_ids: Ids, sections: dict[int, dict[str, Figure]] | None = None
) -> dict[int, dict[str, Figure]]:
    if lens.key == SECTION:
        return sections if sections is not None else _section_figures(assessment_ids)
    return lens_figures(assessment_ids, lens.key)


def table(
    criteria: Criteria,
    cat: Catalogue,
    *,
    lens: str | None = SECTION,
    page: int = 1,
    per_page: int = PER_PAGE,
    pins: Sequence[Any] = (),
) -> Table:
    """The providers page: a page of rows and the figures of the lens in view."""
    chosen = lenses.lens_of(lens)
    shown, raw, sections = _page(criteria, cat, page, per_page)
    editions = editions_in_view(shown.items, cat, criteria.edition)
    ids = [r.assessment_id for r in raw if r.assessment_id]
    shown_pins = [pin for pin in pins if pin.checklist_key in editions]
    return Table(
        shown,
        chosen.key,
        lens_columns(chosen, editions, cat),
        figures_for(chosen, ids, sections),
        lens_title=chosen.name if chosen.key != SECTION else "score per section",
        rule=lenses.rule(chosen),
        pins=shown_pins,
        pinned=pinned_ratings(ids, [pin.statement_key for pin in shown_pins], cat),
    )
