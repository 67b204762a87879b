"""Widgets and form fields that write their markup in Python.

Django renders a select or a list of checkboxes through one template per
option, every other widget through a template of its own, and each field of
``{{ field.as_field_group }}`` through three more (the field, its label, its
errors); on the patient's Today page, whose card carries "How did it go?",
that was most of the page's rendering time. These widgets and
``FastBoundField`` take the same context Django builds (ids, names, checked
and selected state, required, aria-* attributes, help text) and write the
same HTML, character for character, so stylesheets and tests see no
difference (``tests/accounts/test_widgets.py`` compares them with Django's
templates). Everything passes through format_html, which escapes it; what is
rare (a field with errors, a custom template) still goes through Django's
templates.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Every value goes through conditional_escape (what format_html does to its
# arguments), joined as plain strings and marked safe once: a page of options
# costs a fraction of a format_html call each.
_e = conditional_escape


def _attrs_str(attrs: Mapping[str, Any]) -> str:
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """Attributes as Django's attrs.html writes them: in order, True bare, False left out."""
    return mark_safe(_attrs_str(attrs))  # noqa: S308  (escaped above)


def _option_input(option: Mapping[str, Any]) -> str:
    """One checkbox or radio, as input_option.html and input.html write it."""
    value = option["value"]
    attrs = option["attrs"]
    value_attr = f' value="{_e(value)}"' if value is not None else ""
    tag = f'<input type="{_e(option["type"])}" name="{_e(option["name"])}"{value_attr}'
    tag += f"{_attrs_str(attrs)}>\n"
    if not option["wrap_label"]:
        return tag
    option_id = attrs.get("id")
    for_attr = f' for="{_e(option_id)}"' if option_id else ""
    return f"<label{for_attr}>{tag} {_e(option['label'])}</label>"


def _select_group(group_name: str | None, options: list[dict[str, Any]]) -> str:
    """One optgroup, or the options outside any group, as select.html writes them."""
    rendered = "".join(
        f'\n  <option value="{_e(option["value"])}"{_attrs_str(option["attrs"])}>'
        f"{_e(option['label'])}</option>\n"
        for option in options
    )
    if group_name:
        return f'\n  <optgroup label="{_e(group_name)}">{rendered}\n  </optgroup>'
    return rendered


def _checkbox_group(group_name: str | None, options: list[dict[str, Any]]) -> str:
    """One group of boxes, or the boxes outside any group, as multiple_input.html writes them."""
    rendered = "".join(f"<div>\n    {_option_input(option)}\n\n</div>" for option in options)
    if group_name:
        return f"\n  <div><label>{_e(group_name)}</label>{rendered}\n  </div>"
    return rendered


class FastSelect(forms.Select):
    """A ``Select`` that writes its options without a template each."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(_select_group(group, opts) for group, opts, _ in widget["optgroups"])
        return mark_safe(  # noqa: S308  (every value escaped by the helpers)
            f'<select name="{_e(widget["name"])}"{_attrs_str(widget["attrs"])}>{options}\n</select>'
        )


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A ``CheckboxSelectMultiple`` that writes its boxes without a template each."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        widget_id = widget["attrs"].get("id")
        widget_class = widget["attrs"].get("class")
        id_attr = f' id="{_e(widget_id)}"' if widget_id else ""
        class_attr = f' class="{_e(widget_class)}"' if widget_class else ""
        boxes = "".join(_checkbox_group(group, opts) for group, opts, _ in widget["optgroups"])
        return mark_safe(f"<div{id_attr}{class_attr}>{boxes}\n</div>")  # noqa: S308  (escaped)


def _input(widget: Mapping[str, Any]) -> SafeString:
    """One input, as input.html writes it."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(widget["attrs"]),
    )


class FastNumberInput(forms.NumberInput):
    """A ``NumberInput`` written without its template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class FastHiddenInput(forms.HiddenInput):
    """A ``HiddenInput`` written without its template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class FastTextarea(forms.Textarea):
    """A ``Textarea`` written without its template."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )


# The templates FastBoundField writes; a form or field naming others keeps them.
_FIELD_TEMPLATE = "django/forms/field.html"
_LABEL_TEMPLATE = "django/forms/label.html"


class FastBoundField(BoundField):
    """A field whose ``as_field_group`` and label are written as Django's
    field.html and label.html write them. A form opts in with
    ``bound_field_class = FastBoundField``."""

    def _stock_label(self) -> bool:
        return self.form.template_name_label == _LABEL_TEMPLATE

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if not self._stock_label():
            return super().label_tag(contents, attrs, label_suffix, tag)
        # BoundField.label_tag, up to the template it renders.
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in ":?.!":
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return mark_safe(conditional_escape(contents).strip())  # noqa: S308  (escaped)
        attrs = {**(attrs or {})}
        id_for_label = widget.id_for_label(id_)
        if id_for_label and tag != "legend":
            attrs = {**attrs, "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        tag = tag or "label"
        return format_html("<{}{}>{}</{}>", tag, _attrs(attrs), contents, tag)

    def as_field_group(self):
        if self.template_name != _FIELD_TEMPLATE or not self._stock_label():
            return super().as_field_group()
        parts: list[str] = []
        if self.use_fieldset:
            described = self.aria_describedby
            parts.append(
                format_html(
                    "\n  <fieldset{}>\n  ",
                    format_html(' aria-describedby="{}"', described) if described else "",
                )
            )
            if self.label:
                parts.append(self.legend_tag())
        else:
            parts.append("\n  ")
            if self.label:
                parts.append(self.label_tag())
        parts.append("\n\n")
        if self.help_text:
            auto_id = self.auto_id
            parts.append(
                format_html(
                    '<div class="helptext"{}>{}</div>',
                    format_html(' id="{}_helptext"', auto_id) if auto_id else "",
                    mark_safe(self.help_text),  # noqa: S308  (field.html's help_text|safe)
                )
            )
        parts.append("\n")
        if self.errors:
            parts.append(conditional_escape(self.errors))
        parts.append("\n")
        parts.append(conditional_escape(self))
        if self.use_fieldset:
            parts.append("</fieldset>")
        return mark_safe("".join(parts).strip())  # noqa: S308  (each part escaped above)
