"""What a render job makes a document of, and what the download pages need to know of it.

A document is of an assessment (its report and action plan) or of a checklist version (the
blank checklist; an association's benchmark briefing, with the breakdown in `params`). Each
kind says in a `Kind` how the render worker finds its subject again, fingerprints it and makes
its HTML (`p4p.reports.documents.KINDS`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subject:
    """A render job's document: its kind, the organisation that asked (the job is its own, and
    the worker reads with its reach), and what it is of: an assessment, or a checklist version
    with `params` (JSON text, such as a breakdown)."""

    kind: str
    organisation_id: int
    assessment_id: int | None = None
    version_id: int | None = None
    params: str = ""


@dataclass(frozen=True)
class Wanted:
    """A document asked for, as the download pages need it: its subject, fingerprint (`key`)
    and file name, what it is ("blank checklist") and the title of what it is of (`of`).
    `reads` is the organisation whose own data it shows (an assessment's provider), checked
    against the asker's reach when the job is queued; None for no one organisation's data."""

    subject: Subject
    key: str
    file_name: str
    what: str
    of: str
    reads: int | None = None


@dataclass(frozen=True)
class Kind:
    """How the render worker makes a kind of document again from its job's subject: `load`
    finds what it is of (LookupError when it is gone, and `gone` says so), then `fingerprint`
    and `html` take what was found and the subject."""

    what: str
    gone: str
    load: Callable[[Subject], Any]
    fingerprint: Callable[[Any, Subject], str]
    html: Callable[[Any, Subject], str]
