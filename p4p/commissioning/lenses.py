"""The lenses a commissioner reads providers' results through: sections (the checklist's
own), or a framework the council uses, by the tags the checklist gives its statements.

A lens is a tag scheme. Adding a scheme (say `cqc-qs`, CQC's quality statements) takes one
line in LENSES: its scores are stored at completion for every scheme a checklist uses
(`scoring.lens_scores`), and the table, comparison and exports work from this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.tags import tag_label as vocabulary_label
from p4p.catalogue.tags import vocabularies
from p4p.scoring import LENS_RULE

SECTION = "section"


@dataclass(frozen=True)
class Lens:
    key: str  # "section" or a tag scheme
    name: str  # as a choice: "CQC key questions"
    noun: str  # one of its figures, for the rule: "key question"


LENSES: tuple[Lens, ...] = (
    Lens(SECTION, "Sections", "section"),
    Lens("cqc", "CQC key questions", "key question"),
    Lens("cqc-qs", "CQC quality statements", "quality statement"),
    Lens("making-it-real", "Making it Real themes", "theme"),
    Lens("pamms", "PAMMS domains", "domain"),
)
BY_KEY = {lens.key: lens for lens in LENSES}


def lens_of(key: str | None) -> Lens:
    return BY_KEY.get(key or SECTION, LENSES[0])


def tag_label(scheme: str, tag: str) -> str:
    """A tag as its vocabulary names it ("Flexible and integrated care and support")."""
    return vocabulary_label(scheme, tag)


def rule(lens: Lens) -> str:
    if lens.key == SECTION:
        return (
            "A section's score is the points its ratings scored out of the points possible "
            "(every statement at the top of the scale). The figure in brackets is how many "
            "statements it rests on."
        )
    return LENS_RULE.format(what=lens.noun)


def tags(scheme: str, checklists: list[ChecklistDef]) -> list[str]:
    """The scheme's tags the checklists use: in the vocabulary's order where it has one, else
    in the order they first appear."""
    seen: dict[str, None] = {}
    for checklist in checklists:
        for statement in checklist.statements():
            for tag in statement.tags.get(scheme, ()):
                seen.setdefault(tag)
    vocabulary = vocabularies().get(scheme)
    if vocabulary:
        order = {tag: n for n, tag in enumerate(vocabulary.keys)}
        return sorted(seen, key=lambda tag: order.get(tag, len(order)))
    return list(seen)
