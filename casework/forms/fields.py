"""Form fields the staff forms share."""

from django import forms

from ..timeline import person_name


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of staff members, each by their full name (the username when they have none)."""

    def label_from_instance(self, obj) -> str:
        return person_name(obj)
