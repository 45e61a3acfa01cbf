"""Progress over time: snapshots, what changed, the chart, the pages."""

import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from p4p.actions.models import Action
from p4p.catalogue.models import Checklist
from p4p.extensions import db
from p4p.progress import charts, service
from tests.helpers import completed_assessment, sign_in


@pytest.fixture
def homecare(world):
    world.load_checklists()
    return db.session.scalar(select(Checklist).where(Checklist.key == "homecare"))


@pytest.fixture
def owner(world, homecare):
    return world.provider("Progress Care")


def completed(owner, checklist, title, days_ago, ratings):
    def rate(_, statement):
        scale_key = ratings(statement)
        return (scale_key, "") if scale_key else None

    return completed_assessment(owner, checklist.versions[-1], title, rate, days_ago)


def test_compare_sorts_statements_into_improved_slipped_stayed(owner, homecare):
    statements = [s for sec in homecare.versions[-1].sections for s in sec.statements]
    up, down = statements[0].key, statements[1].key
    completed(
        owner,
        homecare,
        "Before",
        200,
        lambda s: {up: "not-yet", down: "doing"}.get(s.key, "started"),
    )
    completed(
        owner, homecare, "After", 10, lambda s: {up: "doing", down: "started"}.get(s.key, "started")
    )
    before, after = service.history(owner.organisation.id, homecare)
    assert (before.title, after.title) == ("Before", "After")
    changes = service.compare(before, after)
    assert [(c.statement.key, c.before, c.after) for c in changes.improved] == [
        (up, "Not yet", "We do this for everyone")
    ]
    assert [(c.statement.key, c.before, c.after) for c in changes.slipped] == [
        (down, "We do this for everyone", "We have started")
    ]
    assert len(changes.stayed) == len(statements) - 2


def test_actions_completed_between_two_assessments(owner, homecare):
    completed(owner, homecare, "Before", 200, lambda s: "started")
    completed(owner, homecare, "After", 10, lambda s: "started")
    statement = homecare.versions[-1].sections[0].statements[0]
    common = dict(
        organisation_id=owner.organisation.id,
        checklist_id=homecare.id,
        statement_key=statement.key,
        statement_text=statement.text,
        section_key="s",
        section_title="S",
        lead="Ann",
        due_on=date.today(),
    )
    db.session.add_all(
        [
            Action(
                what="Done between",
                status="done",
                completed_on=date.today() - timedelta(days=50),
                **common,
            ),
            Action(
                what="Done before",
                status="done",
                completed_on=date.today() - timedelta(days=300),
                **common,
            ),
            Action(what="Still open", status="planned", **common),
        ]
    )
    db.session.commit()
    before, after = service.history(owner.organisation.id, homecare)
    changes = service.with_actions(
        service.compare(before, after), owner.organisation.id, homecare.id
    )
    assert [a.what for a in changes.actions_completed] == ["Done between"]


def test_history_query_count_does_not_grow_with_assessments(owner, homecare, count_queries):
    completed(owner, homecare, "One", 300, lambda s: "started")
    with count_queries() as one:
        service.history(owner.organisation.id, homecare)
    for n in range(4):
        completed(owner, homecare, f"More {n}", 200 - n, lambda s: "doing")
    with count_queries() as five:
        assert len(service.history(owner.organisation.id, homecare)) == 5
    assert len(five) == len(one)


def test_chart_is_accessible_svg_with_every_value():
    svg = str(
        charts.section_bars(
            [("a", "Knowing <people>"), ("b", "Teams")],
            [
                charts.Series("Spring", {"a": 40, "b": None}),
                charts.Series("Autumn", {"a": 90, "b": 75}),
            ],
            title="Scores",
            chart_id="c1",
        )
    )
    assert (
        svg.startswith("<svg")
        and 'role="img"' in svg
        and 'aria-labelledby="c1-title c1-desc"' in svg
    )
    assert "Knowing &lt;people&gt;" in svg and "<people>" not in svg
    assert "40%" in svg and "90%" in svg and "75%" in svg and "not in this version" in svg
    assert svg.count("<rect") == 2 + 3  # legend swatches + bars
    assert svg.count('fill="#0072B2"') == 2 and svg.count('fill="#D55E00"') == 3  # Okabe–Ito


LONG_TITLES = [
    ("choice", "Choice, control and Individual Service Funds"),
    ("word", "Supercalifragilisticexpialidociousnessandmoreandmoreandmore"),
    ("short", "Visits"),
]


def _texts(svg: str) -> list[tuple[float, str, bool, str]]:
    """(x, text-anchor, bold, line) of every line of text in the chart."""
    found = []
    for attributes, body in re.findall(r"<text([^>]*)>(.*?)</text>", svg):
        x = float(re.search(r'\bx="([^"]+)"', attributes).group(1))
        anchor = re.search(r'text-anchor="(\w+)"', attributes)
        spans = re.findall(r'<tspan x="([^"]+)"[^>]*>(.*?)</tspan>', body)
        lines = [(float(sx), t) for sx, t in spans] or [(x, body)]
        for sx, line in lines:
            found.append(
                (
                    sx,
                    anchor.group(1) if anchor else "start",
                    'font-weight="bold"' in attributes,
                    html.unescape(line),
                )
            )
    return found


@pytest.mark.parametrize("columns", [1, 2])
def test_chart_scales_and_never_cuts_a_label(columns):
    series = [charts.Series(f"Assessment number {n} (Making good progress)", {}) for n in range(6)]
    series = [charts.Series(s.label, {"choice": 100, "word": 0, "short": 55}) for s in series]
    svg = str(
        charts.section_bars(LONG_TITLES, series, title="Scores", chart_id="c", columns=columns)
    )
    head = svg[: svg.index(">")]
    width, height = (float(v) for v in re.search(r'viewBox="0 0 (\S+) (\S+)"', head).groups())
    # It scales with its container: a viewBox and the full width, no fixed size in pixels.
    assert 'width="100%"' in head and "height=" not in head
    assert width == columns * charts.COLUMN_WIDTH + (columns - 1) * charts.COLUMN_GAP
    # Nothing is shortened: every word of every title and legend is there, in order.
    assert "…" not in svg
    lines = _texts(svg)
    text = " ".join(line for *_, line in lines)
    for _, title in LONG_TITLES:
        assert "".join(title.split()) in "".join(text.split())
    # Every line fits inside the drawing, at the widest a font could make it.
    for x, anchor, bold, line in lines:
        size = charts.text_width(line, bold=bold)
        left = {"start": x, "middle": x - size / 2, "end": x - size}[anchor]
        right = {"start": x + size, "middle": x + size / 2, "end": x}[anchor]
        assert -0.01 <= left and right <= width + 0.01, (line, left, right, width)
    # One size of text throughout, as large, on a 320 px screen (288 px of page), as the page's
    # small print (0.95rem of 16 px); the browser test measures it too.
    assert "font-size" not in svg.replace(f'font-size="{charts.FONT_SIZE}"', "")
    assert charts.FONT_SIZE * 288 / charts.COLUMN_WIDTH >= 0.95 * 16


def test_progress_page_shows_chart_table_and_changes(client, owner, homecare):
    statements = [s for sec in homecare.versions[-1].sections for s in sec.statements]
    completed(owner, homecare, "Spring 2026", 200, lambda s: "started")
    completed(
        owner,
        homecare,
        "Autumn 2026",
        20,
        lambda s: "doing" if s.key == statements[0].key else "started",
    )
    sign_in(client, owner)
    response = client.get("/progress/")
    assert response.status_code == 302 and response.headers["Location"] == "/progress/homecare"
    html = client.get("/progress/homecare").get_data(as_text=True)
    assert "<svg" in html and "Section scores for each completed assessment" in html
    assert "Spring 2026" in html and "Autumn 2026" in html
    assert "What changed since last time" in html and "1 improved" in html
    assert statements[0].text in html


def test_compare_any_two(client, owner, homecare):
    first = completed(owner, homecare, "First", 300, lambda s: "not-yet")
    completed(owner, homecare, "Second", 200, lambda s: "started")
    third = completed(owner, homecare, "Third", 100, lambda s: "doing")
    sign_in(client, owner)
    html = client.get(f"/progress/homecare/compare?before={third.id}&after={first.id}").get_data(
        as_text=True
    )
    # Given the wrong way round, they are put in time order.
    assert "From “First”" in html and "to “Third”" in html
    total = sum(len(s.statements) for s in homecare.versions[-1].sections)
    assert f"{total} improved" in html and "+100 points" in html


def test_another_organisations_assessment_cannot_be_compared(client, world, owner, homecare):
    mine = completed(owner, homecare, "Mine", 100, lambda s: "started")
    stranger = world.provider("Elsewhere")
    theirs = completed(stranger, homecare, "Theirs", 50, lambda s: "doing")
    sign_in(client, owner)
    html = client.get(f"/progress/homecare/compare?before={mine.id}&after={theirs.id}").get_data(
        as_text=True
    )
    assert "Theirs" not in html
    assert client.get("/progress/no-such-edition").status_code == 404


def test_the_longest_chart_fits_one_a4_page_of_the_report(app):
    """Six assessments (the most a chart shows) of twelve long-titled sections: in the PDF the
    chart is scaled to fit a page, never cut at its foot or pushed off it."""
    from weasyprint import HTML

    sections = [(f"s{n}", f"Choice, control and Individual Service Funds {n}") for n in range(12)]
    series = [
        charts.Series(f"Assessment {n} (Making good progress)", {k: 50 for k, _ in sections})
        for n in range(charts.MAX_SERIES)
    ]
    svg = charts.section_bars(sections, series, title="Scores", chart_id="c", columns=2)
    css = (Path(app.template_folder) / "pdf" / "print.css").read_text()
    page = f"<html><head><style>{css}</style></head><body><h2>Progress over time</h2>{svg}"
    assert len(HTML(string=page).render().pages) == 1
