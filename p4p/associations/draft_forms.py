"""Forms of the checklist editor. Every change carries the draft's revision the page showed.

Fields check only what no page could send (a revision that is not a number, a choice not
offered) and a generous length; the format's own rules (a statement's wording at most 600
characters, evidence needed...) are the validator's, so a draft keeps what was written and
the page says what to put right."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from p4p.associations.drafts import RELATION_CHOICES, short
from p4p.associations.forms import audience_field, changes_summary_field
from p4p.catalogue import vocabularies
from p4p.catalogue.content import ChecklistDef

# Far above what the format allows (the validator says so beside the field), but bounded.
MOST = 20_000
REVISION = Regexp(r"^[0-9]{1,9}$")


def revision_field() -> HiddenField:
    return HiddenField(validators=[DataRequired(), REVISION])


def _line(label: str) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=MOST, message=f"Keep this under {MOST} characters.")],
    )


def _text(label: str, description: str | None = None, rows: int = 3) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=MOST, message=f"Keep this under {MOST} characters.")],
        description=description,
        render_kw={"rows": rows},
    )


class RevisionForm(FlaskForm):
    """A button that changes the draft (move, add, publish...): CSRF and the revision."""

    revision = revision_field()


class StartDraftForm(FlaskForm):
    edition = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,9}$")])


class DetailsForm(FlaskForm):
    revision = revision_field()
    title = _line("Title of the checklist")
    summary = _text("Summary", "What the checklist is for, shown at the top of it.", rows=3)


class VariantDetailsForm(DetailsForm):
    """The details of a variant whose original's licence lets it choose its own licence."""

    licence = StringField(
        "Licence",
        validators=[Optional(), Length(max=200, message="Keep this to 200 characters or fewer.")],
        description=(
            "Its SPDX identifier, such as CC-BY-4.0 (what others may do with your variant). "
            "The attribution to the original stays, whatever you choose."
        ),
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )


class AdaptForm(FlaskForm):
    """A local variant of another publisher's edition: its own key and title."""

    key = StringField(
        "Key of your variant",
        validators=[
            DataRequired(message="Enter a key for your variant."),
            Length(max=40, message="Keys are at most 40 characters."),
        ],
        description=(
            "How p4p and the checklist file name your edition: 2 to 40 lower-case letters, "
            "digits and hyphens, starting with a letter. It cannot be changed later."
        ),
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )
    title = StringField(
        "Title of your variant",
        validators=[
            DataRequired(message="Enter the title of your variant."),
            Length(max=200, message="Keep the title to 200 characters or fewer."),
        ],
    )


class SectionForm(FlaskForm):
    revision = revision_field()
    title = _line("Section title")
    summary = _text("Summary (optional)", "A sentence or two introducing the section.", rows=3)


class AddSectionForm(FlaskForm):
    revision = revision_field()
    section_title = StringField(
        "Title of the new section",
        validators=[
            DataRequired(message="Enter the new section's title."),
            Length(max=200, message="Keep a section's title to 200 characters or fewer."),
        ],
    )


class AddStatementForm(FlaskForm):
    revision = revision_field()
    text = _text("Wording of the new statement", rows=3)
    key = StringField(
        "Key (optional)",
        validators=[Optional(), Length(max=40, message="Keys are at most 40 characters.")],
        render_kw={"spellcheck": "false", "autocapitalize": "none"},
    )


class MoveForm(FlaskForm):
    revision = revision_field()
    direction = HiddenField(validators=[DataRequired(), Regexp(r"^(up|down)$")])


class RemoveForm(FlaskForm):
    revision = revision_field()
    reason = _text(
        "Why is it removed?",
        "Members read this when they move to the new version, beside their last answer.",
        rows=3,
    )


class PublishForm(FlaskForm):
    revision = revision_field()
    version = StringField(
        "Version number",
        validators=[
            DataRequired(message="Enter the version number."),
            Length(max=20, message="Write the version as three numbers, such as 1.2.0."),
        ],
        render_kw={"spellcheck": "false", "inputmode": "decimal"},
    )
    summary = changes_summary_field("Shown to members with the new version.")
    audience = audience_field()


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def tag_field_name(scheme: str) -> str:
    return "tags_" + scheme.replace("-", "_")


def statement_form(document: dict[str, Any], base: ChecklistDef | None, **kwargs: Any) -> FlaskForm:
    """The form of one statement: its choices (stages, statements of the base version, tags)
    come from the draft and the vocabularies. Without a previous version (`base` None: a
    variant, the first version of its edition) it asks no relation to one."""

    class StatementForm(FlaskForm):
        revision = revision_field()
        text = _text("Wording", "What a provider does, in a sentence: “We …”.", rows=3)
        guidance = _text(
            "What it looks like at the top of the scale",
            "Guidance: what doing this for everyone looks like.",
            rows=5,
        )
        started = _text(
            "What part-way looks like (optional)",
            "For the middle of the scale: started, not yet for everyone.",
            rows=4,
        )
        evidence = _text("Examples of evidence", "One example on each line.", rows=4)
        may_not_apply = BooleanField(
            "A provider may answer “Does not apply here” (with a reason)",
        )

    if base is not None:
        StatementForm.relation = RadioField(
            "How it relates to the previous version",
            choices=[SelectChoice(value, label) for value, label in RELATION_CHOICES],
            validators=[DataRequired(message="Choose how it relates to the previous version.")],
        )
        StatementForm.origin = SelectField(
            f"The statement of version {base.version} it comes from",
            choices=[SelectChoice("", "None (a new statement)")]
            + [SelectChoice(st.key, f"{st.key}: {short(st.text, 70)}") for st in base.statements()],
            validators=[Optional()],
        )
    sections = [s for s in document.get("sections", []) if isinstance(s, dict) and s.get("key")]
    StatementForm.section = SelectField(
        "Section",
        choices=[SelectChoice(s["key"], s.get("title") or s["key"]) for s in sections],
        validators=[Optional()],  # not sent: it stays where it is
        description="Choose another section to move the statement to the end of it.",
    )
    stages = [s for s in document.get("stages", []) if isinstance(s, dict)]
    if stages:
        StatementForm.stage = SelectField(
            "Stage",
            choices=[SelectChoice(s.get("key", ""), s.get("label", "")) for s in stages],
            validators=[Optional()],
            description="The stage a provider reaches with this statement at the top of the scale.",
        )
    for scheme, vocabulary in vocabularies().items():
        setattr(
            StatementForm,
            tag_field_name(scheme),
            _Checkboxes(
                vocabulary.title,
                choices=[SelectChoice(tag.key, tag.label) for tag in vocabulary.tags],
                validators=[Optional()],
            ),
        )
    return StatementForm(**kwargs)
