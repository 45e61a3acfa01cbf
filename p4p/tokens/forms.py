"""The form that makes a token; revoking is a ConfirmForm button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

EXPIRY_CHOICES = [
    SelectChoice("30", "In 30 days"),
    SelectChoice("90", "In 90 days"),
    SelectChoice("365", "In a year"),
    SelectChoice("never", "Never: it lasts until you revoke it"),
]


class ExpiryField(RadioField):
    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in EXPIRY_CHOICES}:
            raise ValidationError("Choose when the token expires.")


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired(message="Give the token a name, such as the program that will use it."),
            Length(max=100, message="Keep the name to 100 characters or fewer."),
        ],
        description="So that you can tell your tokens apart, for example “Contracts dashboard”.",
        render_kw={"autocomplete": "off"},
    )
    expires = ExpiryField("Expires", choices=EXPIRY_CHOICES, default="90")

    @property
    def expires_days(self) -> int | None:
        return None if self.expires.data == "never" else int(self.expires.data)
