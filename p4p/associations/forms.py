from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from p4p.auth.models import REGIONS, SIZE_BANDS
from p4p.catalogue.models import AUDIENCE_EVERYONE, AUDIENCE_MEMBERS
from p4p.catalogue.publishing import SUMMARY_MAX
from p4p.forms import code_field


class JoinCodeForm(FlaskForm):
    code = code_field("the association")


class JoinForm(FlaskForm):
    code = HiddenField()


class BenchmarksForm(FlaskForm):
    allowed = RadioField(
        "Include our completed assessments in the association's anonymous benchmarks",
        choices=[
            SelectChoice("yes", "Yes, include them"),
            SelectChoice("no", "No, leave them out"),
        ],
        validators=[DataRequired(message="Choose whether to include your assessments.")],
    )


class ProfileForm(FlaskForm):
    region = SelectField(
        "Region",
        choices=[SelectChoice("", "Not set")] + [SelectChoice(r, r) for r in REGIONS],
        validators=[Optional(), AnyOf(REGIONS, message="Choose a region from the list.")],
    )
    size_band = SelectField(
        "How many people you support",
        choices=[SelectChoice("", "Not set")] + [SelectChoice(s, s) for s in SIZE_BANDS],
        validators=[Optional(), AnyOf(SIZE_BANDS, message="Choose a size from the list.")],
    )


def changes_summary_field(description: str) -> TextAreaField:
    """What changed in a version, in plain words: required to publish one."""
    return TextAreaField(
        "What changed, in plain words",
        validators=[
            DataRequired(message="Say what changed: members read this before they move to it."),
            Length(max=SUMMARY_MAX, message=f"Keep this to {SUMMARY_MAX} characters or fewer."),
        ],
        description=description,
    )


def audience_field() -> RadioField:
    return RadioField(
        "Who may use it",
        choices=[
            SelectChoice(AUDIENCE_MEMBERS, "Our members only"),
            SelectChoice(AUDIENCE_EVERYONE, "Every provider using p4p"),
        ],
        default=AUDIENCE_MEMBERS,
        validators=[DataRequired(message="Choose who may use it.")],
    )


class UploadForm(FlaskForm):
    file = FileField(
        "Checklist file (YAML)",
        validators=[FileRequired(message="Choose the checklist file to upload.")],
        description="Written in the p4p checklist format, at most 1 MiB.",
    )
    summary = changes_summary_field(
        "Shown to members with the new version (for a first version: what it is for)."
    )
    audience = audience_field()
