"""The "Content editors" group, with the permissions to curate mat content."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editors"
EDITOR_PERMISSIONS = {
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


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make the
    # ones for this app now so the group can be given them on a fresh install.
    app_config = apps.get_app_config("mats")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="mats", codename__in=codenames)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mats", "0001_library_and_safety"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
