from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

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
