"""Form pieces shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

PASSWORD_MIN = 10
PASSWORD_MAX = 128


class ConfirmForm(FlaskForm):
    """A POST-only button: carries nothing but the CSRF token."""


def email_field(label: str = "E-mail address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message="Enter your e-mail address."),
            Email(message="Enter an e-mail address in the form name@example.org."),
            Length(max=254, message="E-mail addresses are at most 254 characters long."),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def name_field() -> StringField:
    return StringField(
        "Your name",
        validators=[
            DataRequired(message="Enter your name."),
            Length(max=200, message="Keep this to 200 characters or fewer."),
        ],
        render_kw={"autocomplete": "name"},
    )


def current_password_field(label: str = "Password") -> PasswordField:
    """An existing account's password (signing in, joining with an account)."""
    return PasswordField(
        label,
        validators=[
            DataRequired(message="Enter your password."),
            Length(max=PASSWORD_MAX, message="Passwords are at most 128 characters long."),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters.",
            ),
        ],
        description=f"At least {PASSWORD_MIN} characters. A few unrelated words work well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired(message="Type the password again."),
            EqualTo("password", message="The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def not_the_email(form, field) -> None:
    email = normalise_email(getattr(form, "email", None) and form.email.data)
    if email and field.data and field.data.strip().lower() == email:
        raise ValidationError("Your password must not be your e-mail address.")


def code_field(who: str) -> StringField:
    """A code one organisation gave another (see p4p/codes.py), typed however it was read."""
    return StringField(
        "Code",
        validators=[
            DataRequired(message=f"Enter the code {who} gave you."),
            Length(max=40, message="A code is 12 letters and digits, such as ABCD-EFGH-JK23."),
        ],
        description=f"{who.capitalize()} gives you this code, for example ABCD-EFGH-JK23.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


def with_error(form_class: type[FlaskForm], name: str, value: object, message: str) -> FlaskForm:
    """A form not sent this request, holding `value` in field `name` with one error beside it
    (such a form's errors are an empty tuple, so they are replaced, not appended to)."""
    form = form_class(formdata=None, **{name: value})
    form[name].errors = [message]
    return form
