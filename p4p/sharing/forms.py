from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from p4p.forms import code_field
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
    code = code_field("the commissioner")


class ShareForm(FlaskForm):
    code = HiddenField()
    scope = scope_field()


class ScopeForm(FlaskForm):
    scope = scope_field("Change what they may see")
