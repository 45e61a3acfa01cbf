"""The commissioner's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired


class PinForm(FlaskForm):
    edition = HiddenField(validators=[DataRequired(message="Choose an edition.")])
    statement = SelectField(
        "Statement to pin",
        choices=[],
        validate_choice=True,
        validators=[DataRequired(message="Choose a statement to pin.")],
    )

    def offer(self, content) -> PinForm:
        """The statements of the edition's newest version, grouped by section."""
        self.statement.choices = {
            section.title: [(st.key, st.text) for st in section.statements]
            for section in content.sections
        }
        return self
