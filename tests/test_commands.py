"""Operator commands: users, assessments list, demo."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from p4p.assessments.models import Assessment
from p4p.auth.models import Organisation, User
from p4p.demo import ORGANISATION, PEOPLE
from p4p.extensions import db
from tests.helpers import csrf_token, sign_in


def test_create_admin_and_sign_in(runner, client):
    result = runner.invoke(
        args=["users", "create-admin", "Ops@Example.org", "--name", "Ops", "--password-stdin"],
        input="a strong operator password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ops@example.org"))
    assert user.is_admin and user.name == "Ops"
    page = client.get("/signin").get_data(as_text=True)
    client.post(
        "/signin",
        data={
            "email": "ops@example.org",
            "password": "a strong operator password",
            "csrf_token": csrf_token(page),
        },
    )
    assert client.get("/admin/").status_code == 200


def test_create_admin_refuses_duplicates_and_short_passwords(runner, world):
    owner = world.provider()
    result = runner.invoke(
        args=["users", "create-admin", owner.email, "--password-stdin"],
        input="a strong operator password\n",
    )
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(
        args=["users", "create-admin", "x@example.org", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "between 10 and 128" in result.output


def test_reset_password_signs_out_existing_sessions(runner, client, world):
    owner = world.provider()
    sign_in(client, owner)
    assert client.get("/team/").status_code == 200
    result = runner.invoke(
        args=["users", "reset-password", owner.email, "--password-stdin"],
        input="a brand new password\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/team/").status_code == 302  # the old session no longer works
    sign_in(client, owner, password="a brand new password")
    result = runner.invoke(
        args=["users", "reset-password", "nobody@example.org", "--password-stdin"],
        input="a brand new password\n",
    )
    assert result.exit_code != 0 and "No account" in result.output


def test_demo_builds_real_progress_and_is_idempotent(runner, world, client, empty_catalogue):
    world.load_checklists()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "manager@demo.example" in result.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already there" in again.output
    assessments = db.session.scalars(
        select(Assessment)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(Organisation.name == ORGANISATION)
        .order_by(Assessment.created_dt)
    ).all()
    assert [a.status for a in assessments] == ["completed"] * 3 + ["draft"]
    completed = [a for a in assessments if a.is_completed]
    span = completed[-1].completed_dt - completed[0].completed_dt
    assert timedelta(days=300) < span < timedelta(days=18 * 31)

    from p4p.assessments.service import result as result_of

    results = [result_of(a) for a in completed]
    percents = [r.overall.percent for r in results]
    assert percents == sorted(percents) and percents[0] < percents[-1]
    assert results[0].stage_reached is None and results[-1].stage_reached is not None

    sign_in(
        client,
        db.session.scalar(select(User).where(User.email == PEOPLE[0][0])),
        password="p4p-demo-password",
    )
    assert ORGANISATION in client.get("/").get_data(as_text=True)


def test_demo_refuses_a_database_with_real_data(runner, world, empty_catalogue):
    world.load_checklists()
    world.provider("A Real Provider")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "Refusing" in result.output
    assert db.session.scalar(select(func.count(Assessment.id))) == 0


def test_assessments_list(runner, world, empty_catalogue):
    world.load_checklists()
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["assessments", "list"])
    lines = [line for line in result.output.strip().splitlines() if ORGANISATION in line]
    assert len(lines) == 4
    fields = lines[0].split("\t")
    assert fields[1] == ORGANISATION and fields[2] == "homecare" and fields[4] == "completed"
    assert len(fields[5]) == 10  # an ISO date
    assert lines[-1].split("\t")[4:] == ["draft", "-"]


def test_p4p_console_script_offers_the_same_commands():
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "p4p"
    assert script.exists() or shutil.which("p4p"), "p4p console script not installed"
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(script if script.exists() else shutil.which("p4p")), "checklists", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "P4P_ENV": "development",
            "P4P_INSTANCE_PATH": os.environ["P4P_INSTANCE_PATH"],
        },
    )
    assert result.returncode == 0, result.stderr
    assert "validate" in result.stdout and "load" in result.stdout


def test_demo_on_a_newer_version_has_a_draft_with_a_short_review_list(
    runner, world, empty_catalogue, tmp_path, client
):
    from p4p.assessments import service as assessments
    from p4p.demo import NOT_APPLICABLE_REASON, REVIEW_LEFT
    from tests.helpers import homecare_next

    world.load_checklists(homecare_next(tmp_path, Path(world.app.config["CHECKLISTS_DIR"])))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo"]).exit_code == 0
    found = db.session.scalars(
        select(Assessment)
        .join(Organisation, Assessment.organisation_id == Organisation.id)
        .where(Organisation.name == ORGANISATION)
        .order_by(Assessment.created_dt)
    ).all()
    assert [(a.status, a.version.version) for a in found] == [("completed", "1.0.0")] * 3 + [
        ("draft", "2.0.0")
    ]
    draft = found[-1]
    assert draft.started_from_id == found[-2].id
    ratings = assessments.ratings_by_key(draft)
    review = assessments.review_list(draft.version.content, ratings)
    assert [s.key for s in review] == ["hc-first-talk", "hc-with-not-for"][:REVIEW_LEFT]
    assert [why for _, why in assessments.not_applicable_list(draft.version.content, ratings)] == [
        NOT_APPLICABLE_REASON
    ]
    manager = db.session.scalar(select(User).where(User.email == PEOPLE[0][0]))
    sign_in(client, manager, password="p4p-demo-password")
    page = client.get(f"/assessments/{draft.id}").get_data(as_text=True)
    assert "2 carried ratings to review" in page and "No longer in the checklist (1)" in page
