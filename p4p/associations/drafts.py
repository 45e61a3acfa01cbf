"""Drafts: an association writes the next version of one of its editions in the browser.

A draft's `document` is the checklist in the shape of its file (`content_dict`), so the one
validator (`parse_checklist`, then `compare_versions` against the version it started from)
checks a draft exactly as it checks an upload; problems come back by field path
(`sections[2].statements[4].text`) for the editor to show beside the field. A draft may be
invalid while it is written; it cannot be published until it is valid. Publishing goes through
`publishing.publish_definition`, the path of uploads, and ends the draft.

A draft with no edition (`checklist_id` None) is a local variant: the first version of a new
edition of the association's own, adapting another publisher's published version (its
`base_version`, named under `based-on`). It is checked as a first version (no comparison with
the original, number 1.0.0), and its licence as the original's licence demands.

Edits are pure functions over a copy of the document; `edit` saves the result with an UPDATE
conditional on the revision the page showed, so a save never overwrites one it did not see.
Services take the association and the acting user's id; they flush, never commit.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from p4p import tenancy
from p4p.associations.models import ChecklistDraft
from p4p.auth.models import Organisation
from p4p.catalogue import (
    ChecklistDef,
    ChecklistInvalid,
    Problem,
    licences,
    parse_checklist,
    publishing,
    queries,
)
from p4p.catalogue.content import content_dict, next_patch, numbered, parse_version
from p4p.catalogue.export import dump
from p4p.catalogue.models import Checklist, ChecklistVersion
from p4p.catalogue.schema import SLUG
from p4p.catalogue.versions import Bump, compare_versions, next_version, required_bump
from p4p.extensions import db
from p4p.timeutil import utcnow

FILENAME = "draft"
FIRST_VERSION = "1.0.0"
FIRST_REASON = "the first version of a new edition"
KEY_RULE = "Use 2 to 40 lower-case letters, digits and hyphens, starting with a letter."
TITLE_MOST = 200
# How a statement relates to the one of the previous version it comes from; "new": none.
NEW = "new"
RELATION_CHOICES = (
    ("equal", "The same practice (answers carry over as they are)"),
    ("narrower", "Covers part of it (answers are carried for review)"),
    ("broader", "Covers more than it (answers are carried for review)"),
    ("related", "Related to it (answers are carried for review)"),
    (NEW, "New: it comes from no statement of the previous version"),
)
_SLUG_PART = re.compile(r"[^a-z0-9]+")
_STATEMENT = re.compile(r"^sections\[(\d+)\]\.statements\[(\d+)\](?:\.(.+))?$")
_SECTION = re.compile(r"^sections\[(\d+)\](?:\.(.+))?$")


class StaleDraft(Exception):
    """Someone saved the draft since the revision this change started from."""


class EditRefused(ValueError):
    """A change that cannot be made as asked; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class DraftInvalid(Exception):
    """The draft as it stands breaks the format's rules: messages by field path."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))
        self.problems = problems


class WrongVersion(ValueError):
    def __init__(self, message: str, proposal: Proposal):
        super().__init__(message)
        self.message, self.proposal = message, proposal


@dataclass(frozen=True)
class Proposal:
    """The version number the draft's changes call for, and why."""

    version: str
    bump: Bump


# --- finding and starting drafts ------------------------------------------------------------


def get(draft_id: int) -> ChecklistDraft:
    """A draft of the acting organisation, or 404 (tenancy)."""
    return tenancy.get(ChecklistDraft, draft_id)


def open_drafts() -> list[ChecklistDraft]:
    """The drafts within reach (an association's own), oldest first."""
    return list(db.session.scalars(select(ChecklistDraft).order_by(ChecklistDraft.created_dt)))


def draft_of(checklist_id: int) -> ChecklistDraft | None:
    return db.session.scalar(
        select(ChecklistDraft).where(ChecklistDraft.checklist_id == checklist_id)
    )


def document_from(base: ChecklistDef, publisher: str) -> dict[str, Any]:
    """The base version as the first state of a draft of the next version: every statement
    comes from itself unchanged (`from: equal`), nothing is removed yet."""
    document = _editable(base)
    document["publisher"] = publisher
    document["version"] = next_patch(base.version)
    document["published"] = dt.date.today().isoformat()
    for section in document["sections"]:
        for statement in section["statements"]:
            statement["from"] = [{"key": statement["key"], "relation": "equal"}]
    return document


def _editable(content: ChecklistDef) -> dict[str, Any]:
    """A version's content as a file would write it, to start a draft from: nothing removed
    yet, and no `stages` when it has none (an empty list is not a file's)."""
    document = _cleaned(copy.deepcopy(content_dict(content)))
    document.pop("removed", None)
    if not document.get("stages"):
        document.pop("stages", None)
    return document


def start_draft(
    association: Organisation, base_version: ChecklistVersion, by_user_id: int | None = None
) -> ChecklistDraft:
    """A draft of the next version of one of the association's editions, from `base_version`;
    the edition's open draft instead, if it has one (at most one per edition)."""
    checklist = base_version.checklist
    if checklist.owner_organisation_id != association.id:
        raise EditRefused("checklist", "You can only write new versions of your own editions.")
    existing = draft_of(checklist.id)
    if existing is not None:
        return existing
    draft = ChecklistDraft(
        organisation_id=association.id,
        checklist_id=checklist.id,
        base_version_id=base_version.id,
        document=document_from(base_version.content, association.name),
        revision=1,
        created_by_id=by_user_id,
        updated_by_id=by_user_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:  # a colleague started one at the same moment: use theirs
        found = draft_of(checklist.id)
        if found is None:  # pragma: no cover - the conflicting row exists
            raise
        return found
    return draft


def is_variant(draft: ChecklistDraft) -> bool:
    """A draft of a local variant: the first version of a new edition, adapting another
    publisher's version (its base version)."""
    return draft.is_variant


def previous(draft: ChecklistDraft) -> ChecklistDef | None:
    """The version the draft's next version follows (its statements relate to it and may be
    recorded as removed from it); none for a variant, the first version of its edition."""
    return None if is_variant(draft) else draft.base_version.content


def variant_rule(original: ChecklistVersion) -> licences.VariantRule:
    return licences.variant_rule(original.licence)


def others_editions(
    association: Organisation,
) -> list[tuple[ChecklistVersion, licences.VariantRule]]:
    """The latest version of every edition the association can see and does not own, with
    what its licence says about local variants, in title order."""
    return [
        (version, variant_rule(version))
        for version in queries.latest_versions(association.id)
        if version.checklist.owner_organisation_id != association.id
    ]


def suggested_key(original: ChecklistVersion, association: Organisation) -> str:
    """`<original key>-<association slug>`, at most 40 characters, not taken."""
    words = _SLUG_PART.sub("-", association.name.lower()).strip("-")
    wanted = f"{original.checklist.key}-{words}"[:40].strip("-")
    key, n = wanted, 2
    while _key_taken(association, key) is not None:
        ending = f"-{n}"
        key, n = wanted[: 40 - len(ending)].strip("-") + ending, n + 1
    return key


def suggested_title(original: ChecklistVersion, association: Organisation) -> str:
    return f"{original.title} ({association.name})"[:TITLE_MOST]


def _key_taken(association: Organisation, key: str) -> str | None:
    """Why `key` cannot be a new edition's key, or None."""
    if db.session.scalar(select(Checklist.id).where(Checklist.key == key)) is not None:
        return f"“{key}” is the key of a published edition. Choose another."
    for draft in open_drafts():  # the association's own (tenancy)
        if is_variant(draft) and draft.document.get("key") == key:
            return f"Your draft “{draft.document.get('title') or key}” uses the key “{key}”."
    return None


def variant_document(
    original: ChecklistDef, key: str, title: str, publisher: str
) -> dict[str, Any]:
    """The original's content as the first version of a new edition: its own key, title and
    publisher, version 1.0.0, the original's licence, no relations to a previous version and
    `based-on` naming the original exactly as it was published."""
    document = _editable(original)
    document.update(
        key=key,
        title=title,
        publisher=publisher,
        version=FIRST_VERSION,
        published=dt.date.today().isoformat(),
        licence=original.licence,
    )
    document["based-on"] = {
        "key": original.key,
        "version": original.version,
        "title": original.title,
        "publisher": original.publisher,
        "licence": original.licence,
    }
    return document


def start_variant(
    association: Organisation,
    original: ChecklistVersion,
    key: str,
    title: str,
    by_user_id: int | None = None,
) -> ChecklistDraft:
    """A draft of a local variant of `original` (another publisher's published version) under
    the association's own `key`. EditRefused (field "original", "key" or "title") when the
    association cannot see the original, it is the association's own, its licence does not
    allow adapted versions, or the key or title will not do."""
    checklist = original.checklist
    if queries.find_version(checklist.key, original.version, association.id) is None:
        raise EditRefused("original", "There is no published version you can see to adapt.")
    if checklist.owner_organisation_id == association.id:
        raise EditRefused(
            "original", "This edition is your own: write its next version instead of a variant."
        )
    rule = variant_rule(original)
    if not rule.allowed:
        raise EditRefused("original", f"“{original.title}” cannot be adapted: {rule.reason}.")
    key, title = key.strip(), title.strip()
    if not SLUG.match(key):
        raise EditRefused("key", KEY_RULE)
    taken = _key_taken(association, key)
    if taken:
        raise EditRefused("key", taken)
    if not title:
        raise EditRefused("title", "Enter the title of your variant.")
    if len(title) > TITLE_MOST:
        raise EditRefused("title", f"Keep the title to {TITLE_MOST} characters or fewer.")
    draft = ChecklistDraft(
        organisation_id=association.id,
        checklist_id=None,
        base_version_id=original.id,
        document=variant_document(original.content, key, title, association.name),
        revision=1,
        created_by_id=by_user_id,
        updated_by_id=by_user_id,
    )
    db.session.add(draft)
    db.session.flush()
    return draft


# --- saving ---------------------------------------------------------------------------------


def save(
    draft: ChecklistDraft, document: dict[str, Any], revision: int, by_user_id: int | None
) -> int:
    """Store `document` if nobody saved since `revision`; the new revision, or StaleDraft."""
    result = db.session.execute(
        update(ChecklistDraft)
        .where(ChecklistDraft.id == draft.id, ChecklistDraft.revision == revision)
        .values(
            document=document,
            revision=revision + 1,
            updated_by_id=by_user_id,
            updated_dt=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(draft)
        raise StaleDraft
    db.session.expire(draft)
    return revision + 1


def edit(
    draft: ChecklistDraft,
    revision: int,
    by_user_id: int | None,
    change: Callable[[dict[str, Any]], Any],
) -> Any:
    """Apply `change` to a copy of the document and save it; `change`'s answer is returned.
    Refused (StaleDraft) before anything is changed when the page showed an older revision."""
    if draft.revision != revision:
        raise StaleDraft
    document = copy.deepcopy(draft.document)
    answer = change(document)
    save(draft, document, revision, by_user_id)
    return answer


# --- changes (pure functions over a document) ---------------------------------------------


def section_index(document: dict[str, Any], key: str) -> int:
    for i, section in enumerate(document["sections"]):
        if section.get("key") == key:
            return i
    raise LookupError(key)


def statement_place(document: dict[str, Any], key: str) -> tuple[int, int]:
    for i, section in enumerate(document["sections"]):
        for j, statement in enumerate(section.get("statements", [])):
            if statement.get("key") == key:
                return i, j
    raise LookupError(key)


def _optional(target: dict[str, Any], name: str, value: str | None) -> None:
    value = (value or "").strip()
    if value:
        target[name] = value
    else:
        target.pop(name, None)


def set_details(
    title: str, summary: str, licence: str | None = None
) -> Callable[[dict[str, Any]], None]:
    """Title and summary; and the licence, when given (a variant whose original allows it)."""

    def change(document: dict[str, Any]) -> None:
        document["title"] = title.strip()
        document["summary"] = summary.strip()
        if licence is not None:
            document["licence"] = licence.strip()

    return change


def set_section(key: str, title: str, summary: str | None) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        section = document["sections"][section_index(document, key)]
        section["title"] = title.strip()
        _optional(section, "summary", summary)

    return change


def slug(words: str, taken: set[str], prefix: str = "", fallback: str = "item") -> str:
    """A key made of `words`: lower-case letters, digits and hyphens, at most 40 characters,
    starting with a letter, and not one of `taken` (a number is added if need be)."""
    base = _SLUG_PART.sub("-", words.lower()).strip("-")
    base = re.sub(r"^[^a-z]+", "", base)
    parts, kept = base.split("-"), []
    for part in parts:
        if len(prefix) + len("-".join([*kept, part])) > 32:
            break
        kept.append(part)
    base = prefix + ("-".join(kept) if kept and kept[0] else fallback)
    if not re.match(r"^[a-z]", base):
        base = fallback
    key, n = base, 2
    while key in taken or len(key) < 2:
        key, n = f"{base}-{n}", n + 1
    return key


def add_section(title: str) -> Callable[[dict[str, Any]], str]:
    def change(document: dict[str, Any]) -> str:
        title_ = title.strip()
        if not title_:
            raise EditRefused("section_title", "Enter the new section's title.")
        taken = {s.get("key") for s in document["sections"]}
        key = slug(title_, taken, fallback="section")
        # Empty until its first statement is added (the validator says it needs one).
        document["sections"].append({"key": key, "title": title_, "statements": []})
        return key

    return change


def move_section(key: str, step: int) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _move(document["sections"], section_index(document, key), step)

    return change


def _move(items: list, index: int, step: int) -> None:
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


def _remove_keys(document: dict[str, Any], keys: list[str], base: ChecklistDef | None, reason: str):
    """Record the base's statements among `keys` under `removed:` with the reason (nothing
    for a variant: a first version removes nothing)."""
    kept = [k for k in keys if base is not None and base.statement(k) is not None]
    if kept and not reason.strip():
        raise EditRefused(
            "reason", "Say why it is removed: members read this when they move to the new version."
        )
    removed = document.setdefault("removed", [])
    for key in kept:
        if not any(r.get("key") == key for r in removed):
            removed.append({"key": key, "reason": reason.strip()})
    if not removed:
        document.pop("removed")


def remove_section(
    key: str, reason: str, base: ChecklistDef | None
) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        index = section_index(document, key)
        statements = document["sections"][index].get("statements", [])
        _remove_keys(document, [st.get("key") for st in statements], base, reason)
        del document["sections"][index]

    return change


def used_keys(draft: ChecklistDraft) -> set[str]:
    """Statement keys a new statement may not take: those of the draft, and every key any
    version of the edition ever had (a removed key is never given to another statement)."""
    keys = {st.get("key") for s in draft.document["sections"] for st in s.get("statements", [])}
    keys.update(r.get("key") for r in draft.document.get("removed", []))
    if draft.checklist is not None:
        for version in draft.checklist.versions:
            content = version.content
            keys.update(st.key for st in content.statements())
            keys.update(r.key for r in content.removed)
    return {k for k in keys if isinstance(k, str)}


def key_prefix(document: dict[str, Any]) -> str:
    """The prefix the edition's statement keys share ("hc-"), if they all share one."""
    keys = [st.get("key", "") for s in document["sections"] for st in s.get("statements", [])]
    prefixes = {k.split("-", 1)[0] + "-" for k in keys if "-" in k}
    return prefixes.pop() if len(prefixes) == 1 and all("-" in k for k in keys) else ""


def add_statement(
    section_key: str, text: str, key: str | None, taken: set[str]
) -> Callable[[dict[str, Any]], str]:
    """A new statement at the end of a section; without a key, one is made from its words."""

    def change(document: dict[str, Any]) -> str:
        text_ = text.strip()
        if not text_:
            raise EditRefused("text", "Enter the statement's wording.")
        wanted = (key or "").strip()
        if wanted:
            if not SLUG.match(wanted):
                raise EditRefused("key", KEY_RULE)
            if wanted in taken:
                raise EditRefused(
                    "key",
                    f"“{wanted}” is taken: keys are never used twice, even after a statement is "
                    "removed. Choose another, or leave it blank for one made from the wording.",
                )
        else:
            wanted = slug(text_, taken, key_prefix(document), fallback="statement")
        section = document["sections"][section_index(document, section_key)]
        statement: dict[str, Any] = {
            "key": wanted,
            "text": text_,
            "guidance": "",
            "evidence": [],
        }
        if document.get("stages"):
            statement["stage"] = document["stages"][0]["key"]
        section.setdefault("statements", []).append(statement)
        return wanted

    return change


def move_statement(key: str, step: int) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        i, j = statement_place(document, key)
        _move(document["sections"][i]["statements"], j, step)

    return change


def remove_statement(
    key: str, reason: str, base: ChecklistDef | None
) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        i, j = statement_place(document, key)
        _remove_keys(document, [key], base, reason)
        del document["sections"][i]["statements"][j]

    return change


@dataclass(frozen=True)
class StatementFields:
    text: str
    stage: str | None
    guidance: str
    started: str | None
    evidence: list[str]
    tags: dict[str, list[str]]
    may_not_apply: bool
    relation: str  # one of RELATION_CHOICES
    origin: str | None  # the previous version's statement it comes from
    # The section it belongs in: another section's key moves it to the end of that one.
    section: str | None = None


def set_statement(
    key: str, fields: StatementFields, relates: bool = True
) -> Callable[[dict[str, Any]], None]:
    """The statement's fields; its relation to the previous version only if `relates` (a
    variant's statements relate to no previous version: any relation sent is ignored)."""

    def change(document: dict[str, Any]) -> None:
        i, j = statement_place(document, key)
        statement = document["sections"][i]["statements"][j]
        statement["text"] = fields.text.strip()
        if document.get("stages"):
            statement["stage"] = fields.stage or ""
        else:
            statement.pop("stage", None)
        statement["guidance"] = fields.guidance.strip()
        _optional(statement, "started", fields.started)
        statement["evidence"] = [e.strip() for e in fields.evidence if e.strip()]
        tags = {scheme: keys for scheme, keys in fields.tags.items() if keys}
        if tags:
            statement["tags"] = tags
        else:
            statement.pop("tags", None)
        if fields.may_not_apply:
            statement["may-not-apply"] = True
        else:
            statement.pop("may-not-apply", None)
        if not relates or fields.relation == NEW or not fields.origin:
            statement.pop("from", None)
        else:
            statement["from"] = [{"key": fields.origin, "relation": fields.relation}]
        if fields.section and fields.section != document["sections"][i].get("key"):
            try:
                target = document["sections"][section_index(document, fields.section)]
            except LookupError:
                raise EditRefused("section", "Choose one of the draft's sections.") from None
            del document["sections"][i]["statements"][j]
            target.setdefault("statements", []).append(statement)

    return change


# --- checking --------------------------------------------------------------------------------


def _cleaned(value: Any) -> Any:
    """Without the optional fields a file leaves out rather than writes empty."""
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items() if v not in (None, {}) and k != "from"}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def _parse(document: dict[str, Any], version: str) -> ChecklistDef:
    today = dt.date.today().isoformat()
    return parse_checklist(dump({**document, "version": version, "published": today}), FILENAME)


def _by_path(problems: list[Problem]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems:
        messages = found.setdefault(problem.field, [])
        if problem.message not in messages:
            messages.append(problem.message)
    return found


def definition(draft: ChecklistDraft, version: str | None = None) -> ChecklistDef:
    """The draft as a checklist, checked by the one validator and against its base version
    (every statement accounted for); numbered `version`, or the number its changes call for.
    DraftInvalid with every problem by field path otherwise. A variant is a first version:
    numbered 1.0.0, compared with nothing, its licence as the original's allows."""
    if is_variant(draft):
        return _variant_definition(draft, version)
    base = draft.base_version.content
    placeholder = next_patch(base.version)
    try:
        parsed = _parse(draft.document, placeholder)
    except ChecklistInvalid as error:
        raise DraftInvalid(_by_path(error.problems)) from error
    # The number is chosen when publishing; everything else must hold now.
    across = [p for p in compare_versions(base, parsed, FILENAME) if p.field != "version"]
    if across:
        raise DraftInvalid(_by_path(across))
    wanted = version or next_version(base.version, required_bump(base, parsed).level)
    return parsed if wanted == placeholder else numbered(parsed, wanted)


def _variant_definition(draft: ChecklistDraft, version: str | None) -> ChecklistDef:
    try:
        parsed = _parse(draft.document, version or FIRST_VERSION)
    except ChecklistInvalid as error:
        raise DraftInvalid(_by_path(error.problems)) from error
    problem = licences.variant_licence_problem(draft.base_version.licence, parsed.licence)
    if problem:
        raise DraftInvalid({"licence": [problem[:1].upper() + problem[1:] + "."]})
    return parsed


def problems(draft: ChecklistDraft) -> dict[str, list[str]]:
    """Every problem of the draft by field path (none: it can be published). Checked once per
    revision: a page asks more than once."""
    checked = getattr(draft, "_problems", None)
    if checked is not None and checked[0] == draft.revision:
        return checked[1]
    try:
        definition(draft)
    except DraftInvalid as error:
        found = error.problems
    else:
        found = {}
    draft._problems = (draft.revision, found)
    return found


def proposed_version(draft: ChecklistDraft) -> Proposal:
    """The number the changes since the base version call for, with the reasons; 1.0.0 for a
    variant, the first version of its edition."""
    if is_variant(draft):
        definition(draft)  # DraftInvalid until it can be published
        return Proposal(FIRST_VERSION, Bump("major", (FIRST_REASON,)))
    base = draft.base_version.content
    bump = required_bump(base, definition(draft, base.version))
    return Proposal(next_version(base.version, bump.level), bump)


def check_version(draft: ChecklistDraft, version: str) -> Proposal:
    """The proposal, if `version` is the number it calls for; WrongVersion saying why not."""
    proposal = proposed_version(draft)
    try:
        parse_version(version)
    except ValueError:
        raise WrongVersion(
            f"Write the version as three whole numbers with dots, such as {proposal.version}.",
            proposal,
        ) from None
    if version != proposal.version:
        reasons = "; ".join(proposal.bump.reasons)
        raise WrongVersion(
            f"The changes need a new {proposal.bump.level} version, {proposal.version}: {reasons}.",
            proposal,
        )
    return proposal


def publish(
    draft: ChecklistDraft,
    version: str,
    summary: str,
    audience: str,
    revision: int | None = None,
) -> ChecklistVersion:
    """Publish the draft as `version`, through the path of uploads, and end the draft; as it
    stood at `revision` (what the person previewed), if given, or StaleDraft. WrongVersion,
    DraftInvalid or ChecklistInvalid (the publishing checks) if it cannot be published. The
    caller rolls back on any of them."""
    revision = draft.revision if revision is None else revision
    # Held until the end of the transaction: a second publish of the same draft waits, then
    # finds it gone (StaleDraft) instead of loading the version twice.
    held = db.session.scalar(
        select(ChecklistDraft.revision).where(ChecklistDraft.id == draft.id).with_for_update()
    )
    if held != revision:
        raise StaleDraft
    check_version(draft, version)
    association = db.session.get(Organisation, draft.organisation_id)
    checked = definition(draft, version)
    published = publishing.publish_definition(
        association,
        checked,
        f"draft {draft.id} by organisation {association.id}",
        summary,
        audience,
    )
    ended = db.session.execute(
        delete(ChecklistDraft)
        .where(ChecklistDraft.id == draft.id, ChecklistDraft.revision == revision)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:
        raise StaleDraft
    db.session.expunge(draft)
    return published


def discard(draft: ChecklistDraft) -> None:
    db.session.delete(draft)
    db.session.flush()


# --- where a problem is put right -------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """The page that puts a field right: the draft's details, a section or a statement, and
    the field of its form ('' when no one field holds it)."""

    kind: str  # "draft", "section" or "statement"
    key: str | None
    field: str
    label: str


def _field_of(rest: str | None) -> str:
    if not rest:
        return ""
    head = rest.split(".", 1)[0]
    name = re.sub(r"\[\d+\]$", "", head)
    if name == "tags" and "." in rest:
        scheme = rest.split(".")[1]
        return "tags_" + re.sub(r"\[\d+\]$", "", scheme).replace("-", "_")
    if name == "from":
        return "origin" if rest.endswith(".key") else "relation"
    return name.replace("-", "_")


def place_of(document: dict[str, Any], path: str) -> Place:
    sections = document.get("sections", [])
    match = _STATEMENT.match(path)
    if match:
        i, j = int(match[1]), int(match[2])
        try:
            statement = sections[i]["statements"][j]
        except (IndexError, KeyError, TypeError):
            statement = None
        if isinstance(statement, dict) and statement.get("key"):
            text = str(statement.get("text") or statement["key"])
            return Place("statement", statement["key"], _field_of(match[3]), short(text))
    match = _SECTION.match(path)
    if match:
        i = int(match[1])
        section = sections[i] if i < len(sections) else None
        if isinstance(section, dict) and section.get("key"):
            return Place(
                "section",
                section["key"],
                _field_of(match[2]),
                f"Section “{short(str(section.get('title') or section['key']))}”",
            )
    return Place("draft", None, _field_of(path), "Title and summary")


def short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def problems_at(
    document: dict[str, Any], found: dict[str, list[str]], kind: str, key: str | None
) -> dict[str, list[str]]:
    """The problems of one page, by form field ('' for those of no one field)."""
    result: dict[str, list[str]] = {}
    for path, messages in found.items():
        place = place_of(document, path)
        if place.kind == kind and place.key == key:
            result.setdefault(place.field, []).extend(messages)
    return result
