"""Who may edit curated content: staff in the "Content editors" group."""

CONTENT_EDITORS_GROUP = "Content editors"

# model name -> the permissions an editor has on it. Safety versions are
# only ever added (published), never changed or deleted; acknowledgements
# are patient data and stay out of the editors' reach.
EDITOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "position": ("add", "change", "delete", "view"),
    "routinetemplate": ("add", "change", "delete", "view"),
    "routinestage": ("add", "change", "delete", "view"),
    "guidancepage": ("add", "change", "delete", "view"),
    "evidencesummary": ("add", "change", "delete", "view"),
    "contraindication": ("add", "change", "delete", "view"),
    "stoprule": ("add", "change", "delete", "view"),
    "safetysection": ("add", "change", "delete", "view"),
    "safetyversion": ("add", "view"),
}


def sync_content_editors(group_model, permission_model):
    """Create the Content editors group if missing and give it exactly the
    permissions above; returns the group.

    Takes the models as arguments so that it works with any Group and
    Permission models, for example after a test database was flushed.
    """
    group, _ = group_model.objects.get_or_create(name=CONTENT_EDITORS_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = permission_model.objects.filter(
        content_type__app_label="mats", codename__in=codenames
    )
    group.permissions.set(permissions)
    return group
