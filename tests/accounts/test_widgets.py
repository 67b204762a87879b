"""accounts.widgets: the choice widgets written in Python give exactly the HTML
Django's templates give, for every state a form can be in."""

import uuid

import pytest
from django import forms
from django.forms.boundfield import BoundField
from django.test.html import parse_html

from accounts.widgets import (
    FastBoundField,
    FastCheckboxSelectMultiple,
    FastHiddenInput,
    FastNumberInput,
    FastSelect,
    FastTextarea,
)
from clinic.usage.forms import CheckOffForm, LogDetailsForm, SideEffectForm
from mats.snapshots import StopRuleEntry

STOCK = {
    FastSelect: forms.Select,
    FastCheckboxSelectMultiple: forms.CheckboxSelectMultiple,
    FastNumberInput: forms.NumberInput,
    FastHiddenInput: forms.HiddenInput,
    FastTextarea: forms.Textarea,
}

RULES = [
    StopRuleEntry("bruise", "A bruise that stays", "Stop.", pauses_plan=True),
    StopRuleEntry("odd", "Tingling <b>\"&' here", "Rest.", pauses_plan=False),
]


def _with_stock_widget(field: forms.Field) -> None:
    fast = field.widget
    stock = STOCK[type(fast)](attrs=dict(fast.attrs))
    if hasattr(fast, "choices"):
        stock.choices = fast.choices
    stock.is_required = fast.is_required
    field.widget = stock


def _django_field(form: forms.Form, name: str) -> BoundField:
    """The field as Django's own BoundField renders it: through field.html and label.html."""
    return BoundField(form, form.fields[name], name)


def assert_same_as_django(form: forms.Form) -> int:
    """Render every fast field, swap in Django's widget and BoundField, render again, compare."""
    assert form.bound_field_class is FastBoundField
    names = [name for name, f in form.fields.items() if type(f.widget) in STOCK]
    ours = {name: (str(form[name]), str(form[name].as_field_group())) for name in names}
    labels = {name: (form[name].label_tag(), form[name].legend_tag()) for name in names}
    for name in names:
        _with_stock_widget(form.fields[name])
    for name in names:
        django = _django_field(form, name)
        django_widget, django_group = str(django), str(django.as_field_group())
        assert labels[name] == (django.label_tag(), django.legend_tag())
        assert ours[name][0] == django_widget
        assert ours[name][1] == django_group
        assert parse_html(ours[name][1]) == parse_html(django_group)
    return len(names)


def test_log_details_form_uses_the_fast_widgets():
    form = LogDetailsForm(stop_rules=RULES)
    kinds = {name: type(form.fields[name].widget) for name in form.fields}
    assert kinds["pain_before"] is FastSelect
    assert kinds["relaxation"] is FastSelect
    assert kinds["sensations"] is FastCheckboxSelectMultiple
    assert kinds["side_effects"] is FastCheckboxSelectMultiple
    assert kinds["minutes_done"] is FastNumberInput
    assert kinds["note"] is FastTextarea
    assert kinds["submission_key"] is FastHiddenInput


def test_unbound_form_matches_django():
    assert assert_same_as_django(LogDetailsForm(stop_rules=RULES)) == 9
    assert assert_same_as_django(SideEffectForm(stop_rules=RULES)) == 3
    assert assert_same_as_django(CheckOffForm()) == 1


def test_filled_in_log_matches_django():
    form = LogDetailsForm(
        stop_rules=RULES,
        initial={
            "minutes_done": 12,
            "pain_before": 0,
            "note": 'Felt <b>"warm"</b> & calm\n  second line  ',
            "submission_key": uuid.uuid4(),
        },
    )
    assert "&lt;b&gt;&quot;warm&quot;" in str(form["note"])
    assert_same_as_django(form)


def test_labels_without_ids_and_with_suffixes_match_django():
    form = LogDetailsForm(stop_rules=RULES, auto_id=False, label_suffix=":")
    assert assert_same_as_django(form) == 9
    form = CheckOffForm(auto_id="custom_%s", label_suffix=" *")
    form.fields["minutes_done"].label = "Minutes <done> & such "
    form.fields["minutes_done"].required = True
    form.required_css_class = "needed"
    assert assert_same_as_django(form) == 1


def test_custom_field_template_still_uses_it():
    form = CheckOffForm()
    form.fields["minutes_done"].template_name = "django/forms/div.html"
    assert str(form["minutes_done"].as_field_group()) == str(
        _django_field(form, "minutes_done").as_field_group()
    )


def test_initial_values_match_django():
    form = LogDetailsForm(
        stop_rules=RULES,
        initial={
            "pain_before": 3,
            "pain_after": "10",
            "sensations": ["warm"],
            "side_effects": ["odd"],
        },
    )
    html = str(form["pain_before"])
    assert '<option value="3" selected>3</option>' in html
    assert 'value="odd" id="id_side_effects_1" checked>' in str(form["side_effects"])
    assert_same_as_django(form)


@pytest.mark.parametrize(
    "data",
    [
        {"pain_before": "11", "sensations": ["nonsense"], "side_effects": ["bruise", "<x>"]},
        {"pain_before": '"><script>', "relaxation": "4", "side_effects": ["odd"]},
        {"minutes_done": "0", "pain_after": "0", "sensations": ["warm", "tingling"]},
        {"minutes_done": "<b>x", "note": "a" * 5000, "side_effect_details": "\x00"},
    ],
)
def test_bound_forms_with_errors_match_django(data):
    data = {**data, "submission_key": str(uuid.uuid4())}
    form = LogDetailsForm(data, stop_rules=RULES)
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form.errors and form[next(iter(form.errors))])
    assert_same_as_django(form)


def test_side_effect_form_with_errors_matches_django():
    form = SideEffectForm({"submission_key": str(uuid.uuid4())}, stop_rules=RULES)
    assert not form.is_valid()
    assert_same_as_django(form)
    form = SideEffectForm({"submission_key": "stale", "details": "x"}, stop_rules=RULES)
    assert not form.is_valid()
    assert_same_as_django(form)


def test_groups_classes_and_odd_attributes_match_django():
    choices = [
        ("", "None"),
        ("Warm <things>", [("a", "A & a"), ("b", 'B "quoted"')]),
        ("c", "C"),
    ]
    attrs = {"class": "x y", "data-x": '"&', "disabled": False, "autofocus": True, "n": None}
    for fast, stock in [
        (FastSelect, forms.Select),
        (FastCheckboxSelectMultiple, forms.CheckboxSelectMultiple),
    ]:
        for value in (None, "a", ["a", "c"], ["<b>"]):
            ours = fast(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
            django = stock(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
            assert ours == django
            ours = fast(choices=choices).render("f", value)
            assert ours == stock(choices=choices).render("f", value)
    assert "&lt;things&gt;" in ours
