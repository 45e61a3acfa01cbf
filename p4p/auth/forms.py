from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from p4p.auth.models import OrganisationKind
from p4p.forms import (
    current_password_field,
    email_field,
    name_field,
    new_password_fields,
    not_the_email,
)

KIND_CHOICES = [
    SelectChoice(
        OrganisationKind.PROVIDER.value,
        "We provide care: we assess our own person-centred practice",
    ),
    SelectChoice(
        OrganisationKind.COMMISSIONER.value,
        "We commission care: providers share their results with us",
    ),
    SelectChoice(
        OrganisationKind.ASSOCIATION.value,
        "We are a trade association or network: providers join us as members",
    ),
]


class SignUpForm(FlaskForm):
    kind = RadioField(
        "Your organisation",
        choices=KIND_CHOICES,
        default=OrganisationKind.PROVIDER.value,
        validators=[DataRequired(message="Choose whether you provide or commission care.")],
    )
    organisation = StringField(
        "Name of your service or organisation",
        validators=[
            DataRequired(message="Enter your organisation's name."),
            Length(max=200, message="Keep this to 200 characters or fewer."),
        ],
        description="As people you support and commissioners know it.",
        render_kw={"autocomplete": "organization"},
    )
    name = name_field()
    email = email_field()
    password, confirm = new_password_fields()

    def validate_password(self, field) -> None:
        not_the_email(self, field)


class SignInForm(FlaskForm):
    email = email_field()
    password = current_password_field()
    remember = BooleanField("Keep me signed in on this device")


class JoinForm(FlaskForm):
    name = name_field()
    password, confirm = new_password_fields()


class JoinWithAccountForm(FlaskForm):
    password = current_password_field("Password of your p4p account")
