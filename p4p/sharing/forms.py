from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from p4p.sharing.models import Scope

SCOPE_CHOICES = [SelectChoice(s.value, f"{s.label}: {s.description}") for s in Scope]


def scope_field(label: str = "What they may see") -> RadioField:
    return RadioField(
        label,
        choices=SCOPE_CHOICES,
        default=Scope.SUMMARY.value,
        validators=[DataRequired(message="Choose what the commissioner may see.")],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Sharing code",
        validators=[
            DataRequired(message="Enter the sharing code the commissioner gave you."),
            Length(max=40, message="A sharing code is 12 letters and digits."),
        ],
        description="The commissioner gives you this code, for example ABCD-EFGH-JK23.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ShareForm(FlaskForm):
    code = HiddenField()
    scope = scope_field()


class ScopeForm(FlaskForm):
    scope = scope_field("Change what they may see")
