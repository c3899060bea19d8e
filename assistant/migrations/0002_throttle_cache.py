"""The database table of the "throttle" cache (settings.CACHES), created with the schema so that
`migrate` is all a deployment needs. Django's createcachetable skips a table that exists."""

from django.core.management import call_command
from django.db import migrations

TABLE = "throttle_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("assistant", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table)]
