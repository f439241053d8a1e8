"""Shared form behaviour."""


class DescribedByMixin:
    """Ties each input to the hint and error that includes/field.html shows (ids `<id>_helptext`, `<id>_error`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._describe()

    def _input_id(self, name: str) -> str:
        # As BoundField.auto_id, without creating (and caching) bound fields before the labels are final.
        html_name = self.add_prefix(name)
        if self.auto_id and "%s" in str(self.auto_id):
            return self.auto_id % html_name
        return html_name if self.auto_id else ""

    def _describe(self) -> None:
        errors = self._errors or {}
        for name, field in self.fields.items():
            widget = field.widget
            # Radio groups describe themselves through their fieldset.
            if getattr(widget, "use_fieldset", False):
                continue
            auto_id = self._input_id(name)
            ids = [f"{auto_id}_helptext"] if field.help_text else []
            ids += [f"{auto_id}_error"] if name in errors else []
            if ids:
                widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                widget.attrs.pop("aria-describedby", None)
