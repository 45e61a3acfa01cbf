from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from p4p.auth.models import Role
from p4p.forms import email_field

ROLE_CHOICES = [SelectChoice(role.value, f"{role.label}: {role.description}") for role in Role]


class InviteForm(FlaskForm):
    email = email_field("Their e-mail address")
    role = RadioField("Their role", choices=ROLE_CHOICES, default=Role.CONTRIBUTOR.value)


class RoleForm(FlaskForm):
    role = RadioField("Role", choices=[SelectChoice(role.value, role.label) for role in Role])
