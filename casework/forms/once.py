"""A form that does its work once, however often it is sent (a double click, or back and send again).

Each form page carries a random token in a hidden field; the view claims it before it acts
(casework/views/once.py). A form posted without a token (a script, an old page) is not guarded."""

import re
import secrets

from django import forms

TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return secrets.token_hex(16)


class TokenField(forms.CharField):
    """Never an error to show: a token that is not one of ours is no token."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, initial=new_token, **kwargs)

    def clean(self, value) -> str:
        return value if isinstance(value, str) and TOKEN.fullmatch(value) else ""


class SentOnceForm(forms.Form):
    form_token = TokenField()

    def full_clean(self):
        super().full_clean()
        # The token is for the view, not for the service: cleaned_data keeps only what the person typed.
        data = getattr(self, "cleaned_data", None)
        self.token = data.pop("form_token", "") if data is not None else ""
