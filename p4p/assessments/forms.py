from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from p4p.catalogue.models import ChecklistVersion

NOT_RATED = ""


class NewAssessmentForm(FlaskForm):
    edition = RadioField("Checklist", validators=[DataRequired(message="Choose a checklist.")])
    title = StringField(
        "Title or period",
        validators=[
            DataRequired(message="Give the assessment a title, such as the season and year."),
            Length(max=120, message="Keep the title to 120 characters or fewer."),
        ],
        description="For example “Spring 2027”. It tells this assessment apart from later ones.",
    )
    start_from = RadioField(
        "Start from",
        choices=[
            SelectChoice("blank", "A blank assessment"),
            SelectChoice(
                "previous",
                "Our last completed assessment of the same checklist: its ratings and notes "
                "are copied and marked “carried over” until you confirm or change each one",
            ),
        ],
        default="blank",
    )

    def set_versions(self, versions: list[ChecklistVersion]) -> None:
        self.edition.choices = [SelectChoice(str(v.id), v.title) for v in versions]


class RatingForm(Form):
    """One statement's rating. Several sit in one section page, told apart by their prefix;
    the page's own FlaskForm carries the CSRF token for all of them."""

    scale = RadioField("Where are we?", validate_choice=False)
    note = TextAreaField("Evidence note")
    revision = HiddenField()
    confirm = BooleanField("Still true: confirm this carried-over rating")
    resolve = RadioField(
        "Which version to keep?",
        choices=[SelectChoice("mine", "Keep mine"), SelectChoice("theirs", "Keep my colleague's")],
        default="mine",
        validate_choice=False,
    )

    def validate_note(self, field) -> None:
        limit = current_app.config["NOTE_MAX_LENGTH"]
        if field.data and len(field.data) > limit:
            raise ValidationError(
                f"This note is {len(field.data):,} characters long; the limit is {limit:,}. "
                "Shorten it, or keep the detail in your own records and summarise it here."
            )


def rating_form(statement_key: str, version: ChecklistVersion, **kwargs) -> RatingForm:
    form = RatingForm(prefix=f"{statement_key}-", **kwargs)
    form.scale.choices = [SelectChoice(o["key"], o["label"]) for o in version.scale] + [
        SelectChoice(NOT_RATED, "Not rated yet")
    ]
    return form


class SectionForm(FlaskForm):
    """The CSRF-carrying form around a section's rating forms."""


class StatementSaveForm(FlaskForm):
    """CSRF for saving a single statement (as the page's script does)."""
