"""WTForms forms (every form carries Flask-WTF's CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

# A plain shape check; WTForms' Email validator needs the email_validator package.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is its content (sign out, upgrade, downgrade)."""

    submit = SubmitField("Confirm")


class ProfileForm(FlaskForm):
    """The details GAS keeps about a user."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=255)])
    email = EmailField(
        "E-mail (job notifications go here)",
        validators=[DataRequired(), Regexp(EMAIL_SHAPE, message="Enter an e-mail address."),
                    Length(max=320)],
    )
    institution = StringField("Institution", validators=[DataRequired(), Length(max=255)])
    submit = SubmitField("Save profile")


class TokenForm(FlaskForm):
    """Name a new personal API token (what the script using it is for)."""

    name = StringField("Token name", validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Create token")
