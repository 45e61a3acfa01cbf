from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from p4p.actions.models import ActionStatus


class ActionForm(FlaskForm):
    what = TextAreaField(
        "What we will do",
        validators=[
            DataRequired(message="Say what you will do."),
            Length(max=2000, message="Keep this to 2,000 characters or fewer."),
        ],
        description="A concrete step someone can start on, not a general aim.",
    )
    lead = StringField(
        "Who leads it",
        validators=[
            DataRequired(message="Name the person who leads this action."),
            Length(max=200, message="Keep the name to 200 characters or fewer."),
        ],
    )
    due_on = DateField(
        "By when",
        validators=[DataRequired(message="Enter a real date, such as 31/03/2027.")],
        description="A date in the past is allowed (for example when recording earlier work), "
        "and is flagged.",
    )
    involvement = TextAreaField(
        "How people supported and families will be involved (optional)",
        validators=[
            Optional(),
            Length(max=2000, message="Keep this to 2,000 characters or fewer."),
        ],
    )


class ActionUpdateForm(ActionForm):
    status = RadioField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in ActionStatus],
    )
    completed_on = DateField(
        "Completed on (when done)",
        validators=[Optional()],
        description="Leave empty to use today's date.",
    )
    drop_reason = TextAreaField(
        "Why it was dropped",
        validators=[
            Optional(),
            Length(max=1000, message="Keep this to 1,000 characters or fewer."),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not as a field validator: Optional() would stop it on an empty reason.
        if (
            self.status.data == ActionStatus.DROPPED.value
            and not (self.drop_reason.data or "").strip()
        ):
            self.drop_reason.errors = [*self.drop_reason.errors, "Say why the action was dropped."]
            valid = False
        return valid
