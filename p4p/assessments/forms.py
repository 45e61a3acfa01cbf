from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from p4p.catalogue.content import ChecklistDef
from p4p.catalogue.models import ChecklistVersion

NOT_RATED = ""
# The choice "Does not apply here": not a possible scale key (those start with a letter).
NOT_APPLICABLE = "-not-applicable"


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

    scale = RadioField("Where are we?", default=NOT_RATED)
    note = TextAreaField("Evidence note")
    # Only on statements that may not apply; required when "Does not apply here" is chosen.
    reason = TextAreaField("If it does not apply here, why not?")
    # The revision the page showed; ASCII digits only ("²" is a digit to str.isdigit).
    revision = HiddenField(
        validators=[
            DataRequired(message="The page sent no revision."),
            Regexp(r"^[0-9]{1,9}\Z", message="The page sent a malformed revision."),
        ]
    )
    confirm = BooleanField("Still true: confirm this carried-over rating")
    resolve = RadioField(
        "Which version to keep?",
        choices=[SelectChoice("mine", "Keep mine"), SelectChoice("theirs", "Keep my colleague's")],
        default="mine",
    )

    # Fields a real page can only send wrong by being tampered with: their errors are a 400.
    MACHINE_FIELDS = ("scale", "revision", "resolve")

    @property
    def tampered(self) -> bool:
        return any(self[name].errors for name in self.MACHINE_FIELDS)

    @property
    def scale_key(self) -> str | None:
        return None if self.scale.data in (None, NOT_RATED, NOT_APPLICABLE) else self.scale.data

    @property
    def not_applicable_reason(self) -> str | None:
        """Why it does not apply, when "Does not apply here" is chosen; otherwise None."""
        return (self.reason.data or "").strip() if self.scale.data == NOT_APPLICABLE else None

    def validate_reason(self, field) -> None:
        if self.scale.data == NOT_APPLICABLE and not (field.data or "").strip():
            raise ValidationError(
                "Say why this does not apply here: the reason is shown wherever this assessment "
                "is read, so that nobody takes it for a gap left unrated."
            )
        self.validate_note(field)

    def validate_note(self, field) -> None:
        limit = current_app.config["NOTE_MAX_LENGTH"]
        if field.data and len(field.data) > limit:
            raise ValidationError(
                f"This note is {len(field.data):,} characters long; the limit is {limit:,}. "
                "Shorten it, or keep the detail in your own records and summarise it here."
            )


def rating_form(statement_key: str, checklist: ChecklistDef, **kwargs) -> RatingForm:
    """The statement's rating form; "Does not apply here" is a choice only where the checklist
    says the statement may not apply, so any other statement refuses it (a 400)."""
    form = RatingForm(prefix=f"{statement_key}-", **kwargs)
    choices = [SelectChoice(o.key, o.label) for o in checklist.scale]
    statement = checklist.statement(statement_key)
    if statement is not None and statement.may_not_apply:
        choices.append(SelectChoice(NOT_APPLICABLE, "Does not apply here"))
    form.scale.choices = [*choices, SelectChoice(NOT_RATED, "Not rated yet")]
    return form


class SectionForm(FlaskForm):
    """The CSRF-carrying form around a section's rating forms."""


class StatementSaveForm(FlaskForm):
    """CSRF for saving a single statement (as the page's script does)."""
