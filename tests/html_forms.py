"""Read the forms on a rendered page as a browser would, so a test can
submit exactly what the page offers: the action, the method, and every
field's current value, the CSRF token included."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)
    html_attrs: dict[str, str] = field(default_factory=dict)

    def data(self, **changes) -> dict[str, list[str] | str]:
        """What the browser sends: the fields as they stand, with ``changes``."""
        return {**self.fields, **changes}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                method=attrs.get("method", "get").lower(),
                action=attrs.get("action", ""),
                html_attrs=attrs,
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                form.fields.setdefault(name, [])
                if "checked" in attrs:
                    form.fields[name].append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset"):
                form.fields.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            form.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            form.fields[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = [""]
        elif tag == "button":
            self._button = []

    def handle_data(self, data):
        if self._textarea:
            self._form.fields[self._textarea][0] += data
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None


def forms_in(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_forms_in(html: str) -> list[HtmlForm]:
    return [form for form in forms_in(html) if form.method == "post"]


def form_with_button(html: str, label: str) -> HtmlForm:
    """The one form on the page whose submit button reads ``label``."""
    (form,) = [form for form in forms_in(html) if label in form.buttons]
    return form
