from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Optional

from p4p.auth.models import REGIONS, SIZE_BANDS
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
