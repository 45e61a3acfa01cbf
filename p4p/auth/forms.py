from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from p4p.forms import email_field, new_password_fields, not_the_email


class SignUpForm(FlaskForm):
    organisation = StringField(
        "Name of your service or organisation",
        validators=[
            DataRequired(message="Enter your organisation's name."),
            Length(max=200, message="Keep this to 200 characters or fewer."),
        ],
        description="As people you support and commissioners know it.",
        render_kw={"autocomplete": "organization"},
    )
    name = StringField(
        "Your name",
        validators=[
            DataRequired(message="Enter your name."),
            Length(max=200, message="Keep this to 200 characters or fewer."),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields()

    def validate_password(self, field) -> None:
        not_the_email(self, field)


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Enter your password."),
            Length(max=128, message="Passwords are at most 128 characters long."),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class JoinForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[
            DataRequired(message="Enter your name."),
            Length(max=200, message="Keep this to 200 characters or fewer."),
        ],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = new_password_fields()


class JoinWithAccountForm(FlaskForm):
    password = PasswordField(
        "Password of your p4p account",
        validators=[
            DataRequired(message="Enter your password."),
            Length(max=128, message="Passwords are at most 128 characters long."),
        ],
        render_kw={"autocomplete": "current-password"},
    )
