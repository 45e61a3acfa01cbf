"""Carrying a provider's answers from one version of an edition to a later one. Pure functions.

Each version says, statement by statement, how it relates to the version before it (`from`:
equal, narrower, broader, related); a statement whose key the version before also has, and
whose `from` does not name that key, is the same statement (keys are stable across versions).
Across several versions the relations compose (`compose`), so 1.0.0 -> 1.1.0 -> 2.0.0 is one
step. Then:

- an `equal` path carries the answer as it is (a "does not apply here" answer only to a
  statement that may not apply; otherwise it goes to review, unanswered);
- `narrower`, `broader` and `related` carry the answer into the review list: the provider
  confirms or changes each before completing;
- a statement with no path from the old version is new and starts unanswered;
- an old statement with no path to the new version was removed, with the reason the version
  that removed it gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from p4p.catalogue.content import ChecklistDef

EQUAL, NARROWER, BROADER, RELATED = "equal", "narrower", "broader", "related"


def compose(first: str, then: str) -> str:
    """The relation of C to A, given that B is `first` to A and C is `then` to B."""
    if first == EQUAL:
        return then
    if then == EQUAL:
        return first
    if first == then and first in (NARROWER, BROADER):
        return first
    return RELATED


def _best(relations: Sequence[str]) -> str:
    """Several paths between the same two statements: one equal path is enough; paths that all
    say the same say it; otherwise they are related."""
    if EQUAL in relations:
        return EQUAL
    return relations[0] if len(set(relations)) == 1 else RELATED


def step_links(previous: ChecklistDef, current: ChecklistDef) -> dict[str, dict[str, str]]:
    """For each statement of `current`: the statements of `previous` it comes from, with the
    relation, in the order the file gives them."""
    links: dict[str, dict[str, str]] = {}
    for statement in current.statements():
        found = {o.key: o.relation for o in statement.origins if previous.statement(o.key)}
        if statement.key not in found and previous.statement(statement.key) is not None:
            found = {statement.key: EQUAL, **found}
        links[statement.key] = found
    return links


@dataclass(frozen=True)
class Gone:
    """A statement of the old version with no successor in the new one."""

    key: str
    text: str
    reason: str
    version: str  # the version that removed it


def chain_links(chain: Sequence[ChecklistDef]) -> dict[str, dict[str, str]]:
    """For each statement of the last version: the statements of the first it comes from (by
    any path along the chain), with the composed relation."""
    first = chain[0]
    links = {st.key: {st.key: EQUAL} for st in first.statements()}
    for previous, current in zip(chain, chain[1:], strict=False):
        step = step_links(previous, current)
        following: dict[str, dict[str, list[str]]] = {}
        for key, origins in step.items():
            paths = following.setdefault(key, {})
            for middle, relation in origins.items():
                for old, before in links.get(middle, {}).items():
                    paths.setdefault(old, []).append(compose(before, relation))
        links = {
            key: {old: _best(relations) for old, relations in paths.items()}
            for key, paths in following.items()
        }
    return links


def removed(chain: Sequence[ChecklistDef]) -> list[Gone]:
    """Statements of the first version with no path to the last, each with the reason given by
    the version that removed the last of its successors (in the order of the first version)."""
    first = chain[0]
    alive = {st.key: {st.key} for st in first.statements()}  # old key -> current successors
    gone: dict[str, Gone] = {}
    for previous, current in zip(chain, chain[1:], strict=False):
        step = step_links(previous, current)
        successors: dict[str, set[str]] = {}
        for key, origins in step.items():
            for middle in origins:
                successors.setdefault(middle, set()).add(key)
        reasons = {r.key: r.reason for r in current.removed}
        for old, keys in alive.items():
            if old in gone:
                continue
            following = set().union(*(successors.get(k, set()) for k in keys))
            if not following:
                reason = next((reasons[k] for k in sorted(keys) if k in reasons), "")
                statement = first.statement(old)
                gone[old] = Gone(old, statement.text if statement else old, reason, current.version)
            alive[old] = following
    return [gone[st.key] for st in first.statements() if st.key in gone]


@dataclass(frozen=True)
class Answer:
    """A provider's answer to one statement: a scale key (or None), a note, and, when it does
    not apply, why."""

    scale_key: str | None
    note: str = ""
    not_applicable_reason: str | None = None


@dataclass(frozen=True)
class Carried:
    """What a statement of the new version starts with."""

    key: str  # the statement of the new version
    from_key: str  # the statement of the old version whose answer it takes
    relation: str  # composed relation of the new statement to the old one
    answer: Answer
    review: bool  # the provider must confirm or change it before completing


@dataclass(frozen=True)
class Plan:
    carried: tuple[Carried, ...]
    new: tuple[str, ...]  # statements of the new version with no path from the old
    removed: tuple[Gone, ...]


def plan(chain: Sequence[ChecklistDef], answers: Mapping[str, Answer]) -> Plan:
    """What a new assessment on the last version of `chain` starts with, from `answers` given
    to the first (statement key -> answer). A chain of one version carries every answer as it
    is."""
    target = chain[-1]
    links = chain_links(chain)
    carried, new = [], []
    for statement in target.statements():
        origins = links.get(statement.key, {})
        if not origins:
            new.append(statement.key)
            continue
        answered = [(old, rel) for old, rel in origins.items() if old in answers]
        if not answered:
            continue
        equal = next((old for old, rel in answered if rel == EQUAL), None)
        from_key, relation = (equal, EQUAL) if equal else answered[0]
        answer = answers[from_key]
        if answer.scale_key is not None and answer.scale_key not in target.scale_keys:
            answer = Answer(None, answer.note, answer.not_applicable_reason)
        review = relation != EQUAL
        if answer.not_applicable_reason is not None and not statement.may_not_apply:
            # It did not apply; this statement always does: the provider answers it afresh.
            answer, review = Answer(None, answer.note), True
        if relation == EQUAL and answer.scale_key is None and answer.not_applicable_reason is None:
            review = review or (answers[from_key].scale_key is not None)
        carried.append(Carried(statement.key, from_key, relation, answer, review))
    return Plan(tuple(carried), tuple(new), tuple(removed(chain)))
