"""Rendering PDFs: Jinja HTML and print CSS in templates/pdf/, WeasyPrint, and nothing fetched
from outside. Pure functions return bytes; a content-keyed cache serves repeat downloads."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)


class LocalOnlyFetcher(URLFetcher):
    """Refuses every URL except data: URLs and files inside the given folders.

    Templates inline their CSS and charts, so in practice nothing is fetched at all; this makes
    sure a stray <img src="http://..."> or file:///etc/passwd in data can never be read."""

    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.allowed_roots = [root.resolve() for root in allowed_roots]

    def fetch(self, url: str, headers=None):
        if url.startswith("file:"):
            parts = urlsplit(url)
            # Decoded before resolving, so %2e%2e is the '..' it stands for.
            path = Path(url2pathname(unquote(parts.path))).resolve()
            inside = any(path.is_relative_to(root) for root in self.allowed_roots)
            if parts.netloc not in ("", "localhost") or not inside:
                log.warning("PDF renderer refused %s", url)
                raise ValueError(f"refused to read {url}")
        elif not url.startswith("data:"):
            log.warning("PDF renderer refused %s", url)
            raise ValueError(f"refused to fetch {url}")
        return super().fetch(url, headers)


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not plain data: {type(value).__name__}")


@functools.cache
def templates_fingerprint(folder: str) -> str:
    """A hash of every print template and of WeasyPrint's version: a change to either makes
    new documents rather than serving ones made the old way."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def document_key(template: str, data: dict[str, Any]) -> str:
    """What the document says, as a hash: same data and templates, same document."""
    fingerprint = templates_fingerprint(str(Path(current_app.template_folder) / "pdf"))
    payload = json.dumps(
        {"template": template, "templates": fingerprint, "data": data},
        sort_keys=True,
        default=_default,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def render_html(template: str, data: dict[str, Any]) -> str:
    return render_template(f"pdf/{template}.html", **data)


class _Attachments(HTMLParser):
    """Finds links that would make WeasyPrint embed a file in the PDF."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "link") and "attachment" in (values.get("rel") or "").lower().split():
            self.found.append(values.get("href") or "")


def refuse_attachments(html: str) -> None:
    """Our documents embed no files; HTML asking to is refused before rendering."""
    finder = _Attachments()
    finder.feed(html)
    if finder.found:
        log.warning("PDF renderer refused attachments %s", finder.found)
        raise ValueError("refused to embed attachments in a PDF")


def print_folder() -> Path:
    return Path(current_app.template_folder) / "pdf"


def write_pdf(html: str, folder: Path) -> bytes:
    """WeasyPrint's part: HTML to PDF/UA, fetching nothing but files in the print folder. It
    needs no application, so the render worker runs it in a child process."""
    refuse_attachments(html)
    return HTML(
        string=html,
        base_url=folder.as_uri() + "/",
        url_fetcher=LocalOnlyFetcher([folder]),
    ).write_pdf(pdf_variant="pdf/ua-1")


def render_pdf(template: str, data: dict[str, Any]) -> bytes:
    return write_pdf(render_html(template, data), print_folder())


@dataclass(frozen=True)
class Document:
    content: bytes
    etag: str
    cached: bool


def cache_folder() -> Path:
    folder = Path(
        current_app.config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached(key: str) -> Document | None:
    """The document stored under `key`, if one was made before."""
    path = cache_folder() / f"{key}.pdf"
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)  # recently used: keep it past the next pruning
    return Document(content, key, cached=True)


def store(key: str, content: bytes) -> None:
    folder = cache_folder()
    # A file of its own for each writer, then an atomic rename: concurrent renders of the same
    # document never share a temporary file, and a reader never sees half a file.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as out:
        out.write(content)
    Path(out.name).replace(folder / f"{key}.pdf")
    prune(folder)


def document(template: str, data: dict[str, Any], key: str | None = None) -> Document:
    """The PDF for this data, from the cache when an identical one was made before. `key`
    names the document when the caller knows a cheaper fingerprint than the data's hash."""
    key = key or document_key(template, data)
    found = cached(key)
    if found is not None:
        return found
    content = render_pdf(template, data)
    store(key, content)
    return Document(content, key, cached=False)


def prune(folder: Path) -> None:
    """Forget documents nobody has asked for in a while; they are made again if needed."""
    cutoff = time.time() - current_app.config["PDF_CACHE_MAX_AGE_DAYS"] * 86400
    for old in folder.glob("*.pdf"):
        with contextlib.suppress(FileNotFoundError):  # another worker pruned it first
            if old.stat().st_atime < cutoff and old.stat().st_mtime < cutoff:
                old.unlink()
