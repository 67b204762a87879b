"""The review's small repeated fragments (clinic/review/templatetags/review_tags.py)
say what the includes they replaced said, with the same accessible markup."""

from types import SimpleNamespace

from django.template import Context, Template

from clinic.review.adherence import Ratio

DASH = '<span aria-hidden="true">–</span><span class="visually-hidden">Nothing planned yet</span>'  # noqa: RUF001


def render(source: str, **context) -> str:
    return Template("{% load review_tags %}" + source).render(Context(context))


def test_ratio_reads_percent_then_counts():
    assert render("{% ratio r %}", r=Ratio(done=2, planned=3)) == "67 % <small>(2 of 3)</small>"


def test_ratio_puts_the_unit_after_the_counts():
    html = render('{% ratio r unit=" min" %}', r=Ratio(done=40, planned=60))
    assert html == "67 % <small>(40 of 60 min)</small>"


def test_ratio_with_nothing_planned_is_a_dash_read_out_in_words():
    assert render('{% ratio r unit=" min" verdict=True %}', r=Ratio(done=0, planned=0)) == DASH


def test_ratio_of_a_patient_without_a_plan_is_the_dash_too():
    assert (
        render("{% ratio patient.review.sessions %}", patient=SimpleNamespace(review=None)) == DASH
    )


def test_ratio_with_verdict_says_whether_it_is_adherent():
    assert render("{% ratio r verdict=True %}", r=Ratio(4, 5)) == (
        "80 % <small>(4 of 5) · adherent</small>"
    )
    assert render('{% ratio r unit=" min" verdict=True %}', r=Ratio(30, 60, longer=1)) == (
        "50 % <small>(30 of 60 min) · under 80 %, 1 session much longer than prescribed</small>"
    )


def test_ratio_without_verdict_names_only_much_longer_sessions():
    assert render('{% ratio r unit=" min" %}', r=Ratio(50, 50, longer=2)) == (
        "100 % <small>(50 of 50 min) · 2 much longer than prescribed</small>"
    )


def test_day_state_hides_its_symbol_from_screen_readers():
    assert render("{% day_state s %}", s="done") == '<span aria-hidden="true">✓</span> Done'
    assert render("{% day_state s %}", s="missed") == '<span aria-hidden="true">✗</span> Missed'
    assert render("{% day_state s %}", s="today") == (
        '<span aria-hidden="true">→</span> Today, not yet done'
    )


def test_day_state_in_words_for_planned_and_rest_days():
    assert render("{% day_state s %}", s="upcoming") == "Planned"
    assert render("{% day_state s %}", s="rest") == "Rest day"


def test_paused_day_has_the_drawn_icon_beside_the_word():
    html = render("{% day_state s %}", s="paused")
    assert html.strip().startswith('<svg class="icon"')
    assert 'aria-hidden="true"' in html
    assert html.endswith("</svg>\n Paused")


def report(names=(), details="", pauses_plan=False):
    return SimpleNamespace(symptom_names=list(names), details=details, pauses_plan=pauses_plan)


def test_side_effect_words_name_the_symptoms():
    html = render("{% side_effect_words r %}", r=report(["Dizziness", "Tingling"]))
    assert html == "Dizziness, Tingling"


def test_side_effect_words_without_symptoms_say_in_their_own_words():
    html = render("{% side_effect_words r %}", r=report(details="felt odd", pauses_plan=True))
    assert html == "in their own words — “felt odd” (paused the plan)"


def test_side_effect_words_are_cut_to_shorten_and_escaped():
    html = render(
        "{% side_effect_words r shorten=8 %}", r=report(["<b>Itch</b>"], details="a long <story>")
    )
    assert html == "&lt;b&gt;Itch&lt;/b&gt; — “a long …”"
