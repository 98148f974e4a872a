"""Form base class: CSRF from Flask-WTF, WTForms' built-in messages in Chinese."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """Every form inherits Chinese validation messages."""

    class Meta:
        locales = ["zh_CN", "zh"]

    def error_text(self) -> str:
        """Every field error in one Chinese sentence, for a flash or a refusal."""
        return "；".join(e for errors in self.errors.values() for e in errors)
