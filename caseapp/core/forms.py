"""Form base class: CSRF from Flask-WTF, WTForms' built-in messages in Chinese."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """Every form inherits Chinese validation messages."""

    class Meta:
        locales = ["zh_CN", "zh"]
