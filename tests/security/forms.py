"""The forms of a page, as a browser would see them (html.parser): method, action, enctype and each field with its
type, name, value and choices."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # input type ("text", "number", "date", "hidden", "checkbox", "radio", "file", ...), "textarea",
    # "select" or "submit" (a named button)
    value: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)  # select options, radio and checkbox values
    checked: bool = False
    inputmode: str = ""


@dataclass
class Form:
    method: str
    action: str  # absolute path (with query) the form sends to
    enctype: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        seen = []
        for f in self.fields:
            if f.name not in seen:
                seen.append(f.name)
        return seen

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def has_files(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def baseline(self) -> list[tuple[str, str]]:
        """The values the browser sends unchanged: checked boxes, the selected (or first) option, the first named
        submit button, every text field as it is."""
        out: list[tuple[str, str]] = []
        radios_done: set[str] = set()
        button_done = False
        for f in self.fields:
            if f.kind in ("file", "csrf"):
                continue
            if f.kind == "submit":
                if not button_done:
                    out.append((f.name, f.value))
                    button_done = True
                continue
            if f.kind == "checkbox":
                if f.checked or f.required:
                    out.append((f.name, f.value or "on"))
                continue
            if f.kind == "radio":
                if f.name in radios_done:
                    continue
                radios = [r for r in self.fields if r.name == f.name and r.kind == "radio"]
                chosen = next((r for r in radios if r.checked), radios[0])
                out.append((f.name, chosen.value))
                radios_done.add(f.name)
                continue
            if f.kind == "select":
                out.append((f.name, f.value if f.value else next((c for c in f.choices if c), "")))
                continue
            out.append((f.name, f.value))
        return out


class _Parser(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option_value: str | None = None
        self.option_selected = False
        self.option_text = ""
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self.form = Form(method=(a.get("method") or "get").lower(), action=_path(action),
                             enctype=a.get("enctype", "application/x-www-form-urlencoded"))
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if name == "csrfmiddlewaretoken":
                kind = "csrf"
            if kind in ("submit", "image", "button", "reset"):
                kind = "submit" if kind in ("submit", "image") else "ignored"
            if kind != "ignored":
                self.form.fields.append(Field(name=name, kind=kind, value=a.get("value", ""),
                                              required="required" in a, checked="checked" in a,
                                              inputmode=a.get("inputmode", ""), choices=[a.get("value", "on")]))
        elif tag == "button" and name and (a.get("type") or "submit").lower() == "submit":
            self.form.fields.append(Field(name=name, kind="submit", value=a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = Field(name=name, kind="textarea", required="required" in a)
            self.form.fields.append(self.textarea)
        elif tag == "select" and name:
            self.select = Field(name=name, kind="select", required="required" in a)
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value")
            self.option_selected = "selected" in a
            self.option_text = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option" and self.select is not None and self.option_value is not None:
            self._close_option()
        elif tag == "select":
            if self.option_value is not None:
                self._close_option()
            self.select = None

    def _close_option(self):
        value = self.option_value if self.option_value is not None else self.option_text.strip()
        self.select.choices.append(value)
        if self.option_selected:
            self.select.value = value
        self.option_value = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.select is not None and self.option_value is not None:
            self.option_text += data


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def forms_of(html: str, page_url: str) -> list[Form]:
    parser = _Parser(urljoin("http://testserver", page_url))
    parser.feed(html)
    return parser.forms
