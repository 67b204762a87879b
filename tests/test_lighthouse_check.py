"""How ``make lighthouse`` reads a report (the run itself needs npm and
Chromium and takes minutes: it is run by hand, and its figures are in
BENCHMARKS.md)."""

from io import StringIO

from clinic.operations.management.commands.lighthouse_check import Command


def _report(scores: dict, *, installable: bool | None = True, url="http://x/home/") -> dict:
    audits = {
        "color-contrast": {
            "id": "color-contrast",
            "title": "Background and foreground colors have enough contrast",
            "score": 0,
            "details": {"items": [{"node": {"snippet": '<p class="pale">'}}]},
        }
    }
    if installable is not None:
        audits["installable-manifest"] = {
            "id": "installable-manifest",
            "title": "Web app manifest meets the installability requirements",
            "score": 1 if installable else 0,
            "details": {"items": [{"reason": "No manifest"}]},
        }
    return {
        "finalDisplayedUrl": url,
        "categories": {
            key: {"score": value / 100, "auditRefs": [{"id": "color-contrast", "weight": 1}]}
            for key, value in scores.items()
        },
        "audits": audits,
    }


def _command() -> Command:
    return Command(stdout=StringIO())


def test_full_scores_and_installable_pass():
    command = _command()
    report = _report({"accessibility": 100, "best-practices": 100, "pwa": 100})
    assert command._print("Today", "11.7.1", report) == []
    assert "yes" in command.stdout.getvalue()


def test_accessibility_under_100_fails_and_names_the_audit():
    command = _command()
    report = _report(
        {"performance": 97, "accessibility": 96, "best-practices": 100}, installable=None
    )
    assert command._print("Plan", "13.5.0", report) == ["Plan (13.5.0): accessibility 96"]
    printed = command.stdout.getvalue()
    assert "color-contrast" in printed
    assert '<p class="pale">' in printed


def test_not_installable_fails_with_the_reason():
    command = _command()
    report = _report({"accessibility": 100, "best-practices": 100, "pwa": 50}, installable=False)
    assert command._print("Today", "11.7.1", report) == ["Today (11.7.1): not installable"]
    assert "No manifest" in command.stdout.getvalue()


def test_a_page_that_ended_on_the_sign_in_page_fails():
    command = _command()
    report = _report(
        {"accessibility": 100, "best-practices": 100, "pwa": 100}, url="http://x/sign-in/?next=/"
    )
    assert command._print("Today", "11.7.1", report) == [
        "Today (11.7.1): ended on the sign-in page, not signed in"
    ]
