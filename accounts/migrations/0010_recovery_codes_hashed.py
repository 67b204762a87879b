"""Recovery codes kept until now as the codes themselves are replaced by their
keyed hashes (``accounts.recovery_codes``); each still works, once.

Going back cannot turn a hash into a code, and a hash left in place would
itself work as a code under the older software, so going back removes the
recovery codes: people keep their authenticator app and make new codes on
Account security.
"""

from django.db import migrations

from accounts.recovery_codes import stored_form


def hash_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    tokens = list(StaticToken.objects.only("pk", "token"))
    for token in tokens:
        token.token = stored_form(token.token)
    StaticToken.objects.bulk_update(tokens, ["token"], batch_size=500)


def remove_codes(apps, schema_editor):
    apps.get_model("otp_static", "StaticToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_audit_actions_sign_in_refused_email"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, remove_codes, elidable=False)]
