"""The safety content as published: frozen copies and what changed between them.

A published safety version keeps a snapshot of the contraindications, stop
rules and safety sections exactly as they were, so that what a patient
acknowledged can always be shown again and compared with what came later.
Pure data and functions: no database, no request.
"""

from dataclasses import asdict, dataclass, fields
from typing import Any

ABSOLUTE = "absolute"
RELATIVE = "relative"


@dataclass(frozen=True)
class ContraindicationEntry:
    code: str
    name: str
    question: str
    explanation: str
    severity: str  # ABSOLUTE: no plan may start; RELATIVE: needs a recorded clearance

    @property
    def is_absolute(self) -> bool:
        return self.severity == ABSOLUTE

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class StopRuleEntry:
    code: str
    symptom: str
    what_to_do: str
    pauses_plan: bool

    @property
    def label(self) -> str:
        return self.symptom


@dataclass(frozen=True)
class SectionEntry:
    code: str
    title: str
    body: str  # Markdown; render with mats.markdown.render_markdown

    @property
    def label(self) -> str:
        return self.title


# How a changed field is named when the change is shown to a reader.
FIELD_LABELS = {
    "name": "name",
    "question": "screening question",
    "explanation": "note for practitioners",
    "severity": "severity",
    "symptom": "sign",
    "what_to_do": "what to do",
    "pauses_plan": "whether the plan pauses",
    "title": "title",
    "body": "text",
}


@dataclass(frozen=True)
class SafetySnapshot:
    contraindications: tuple[ContraindicationEntry, ...] = ()
    stop_rules: tuple[StopRuleEntry, ...] = ()
    sections: tuple[SectionEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "contraindications": [asdict(entry) for entry in self.contraindications],
            "stop_rules": [asdict(entry) for entry in self.stop_rules],
            "sections": [asdict(entry) for entry in self.sections],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SafetySnapshot":
        return cls(
            contraindications=tuple(
                ContraindicationEntry(**row) for row in data.get("contraindications", [])
            ),
            stop_rules=tuple(StopRuleEntry(**row) for row in data.get("stop_rules", [])),
            sections=tuple(SectionEntry(**row) for row in data.get("sections", [])),
        )


@dataclass(frozen=True)
class ItemChange:
    before: Any
    after: Any
    changed_fields: tuple[str, ...]  # readable labels, see FIELD_LABELS

    @property
    def label(self) -> str:
        return self.after.label


@dataclass(frozen=True)
class KindChanges:
    added: tuple = ()
    removed: tuple = ()
    changed: tuple[ItemChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class SafetyChanges:
    contraindications: KindChanges
    stop_rules: KindChanges
    sections: KindChanges

    def __bool__(self) -> bool:
        return bool(self.contraindications or self.stop_rules or self.sections)

    def summary(self) -> str:
        """One line for an audit record, e.g. "Added: Recent surgery. Changed: Pregnancy"."""
        parts = []
        for verb, attr in (("Added", "added"), ("Removed", "removed")):
            labels = [
                entry.label
                for kind in (self.contraindications, self.stop_rules, self.sections)
                for entry in getattr(kind, attr)
            ]
            if labels:
                parts.append(f"{verb}: {', '.join(labels)}")
        changed = [
            f"{change.label} ({', '.join(change.changed_fields)})"
            for kind in (self.contraindications, self.stop_rules, self.sections)
            for change in kind.changed
        ]
        if changed:
            parts.append(f"Changed: {', '.join(changed)}")
        return ". ".join(parts) if parts else "No changes"


def _compare_kind(before: tuple, after: tuple) -> KindChanges:
    old = {entry.code: entry for entry in before}
    new = {entry.code: entry for entry in after}
    changed = []
    for code, entry in new.items():
        if code in old and old[code] != entry:
            labels = tuple(
                FIELD_LABELS.get(f.name, f.name)
                for f in fields(entry)
                if getattr(old[code], f.name) != getattr(entry, f.name)
            )
            changed.append(ItemChange(before=old[code], after=entry, changed_fields=labels))
    return KindChanges(
        added=tuple(entry for code, entry in new.items() if code not in old),
        removed=tuple(entry for code, entry in old.items() if code not in new),
        changed=tuple(changed),
    )


def compare(before: SafetySnapshot | None, after: SafetySnapshot) -> SafetyChanges:
    """What a reader of ``before`` needs to know about ``after``.

    Items are matched by their code, so rewording an item shows as a change,
    not as one removal and one addition. Reordering alone is not a change.
    """
    before = before or SafetySnapshot()
    return SafetyChanges(
        contraindications=_compare_kind(before.contraindications, after.contraindications),
        stop_rules=_compare_kind(before.stop_rules, after.stop_rules),
        sections=_compare_kind(before.sections, after.sections),
    )
