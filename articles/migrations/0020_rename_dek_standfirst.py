"""The standfirst's field is called standfirst, as editors and readers have always seen it.

Saved revisions (django-reversion) and working copies hold the story's fields by name: their
"dek" becomes "standfirst" too, or reverting to a revision saved before this migration would
silently bring back an empty standfirst (reversion skips names the model no longer has).
"""

import json

import articles.search
import django.contrib.postgres.search
from django.db import migrations, models

BATCH = 1000


def rename_key(values, old, new):
    """`values` with the key `old` renamed to `new`, in the same place; None if it had none."""
    if not isinstance(values, dict) or old not in values:
        return None
    return {new if key == old else key: value for key, value in values.items()}


def rename_stored_field(apps, old, new):
    Version = apps.get_model("reversion", "Version")
    WorkingCopy = apps.get_model("articles", "WorkingCopy")
    # Reversion keeps a story as Django's JSON serialisation: a list of {"fields": {...}}.
    versions = Version.objects.filter(
        content_type__app_label="articles", content_type__model="article", format="json"
    )
    changed = []
    for version in versions.only("serialized_data").iterator(chunk_size=BATCH):
        objects = json.loads(version.serialized_data)
        renamed = [rename_key(obj.get("fields"), old, new) for obj in objects]
        if any(fields is not None for fields in renamed):
            for obj, fields in zip(objects, renamed, strict=True):
                if fields is not None:
                    obj["fields"] = fields
            version.serialized_data = json.dumps(objects, ensure_ascii=False)
            changed.append(version)
        if len(changed) >= BATCH:
            Version.objects.bulk_update(changed, ["serialized_data"])
            changed = []
    Version.objects.bulk_update(changed, ["serialized_data"])

    changed = []
    for copy in WorkingCopy.objects.only("values").iterator(chunk_size=BATCH):
        if (values := rename_key(copy.values, old, new)) is not None:
            copy.values = values
            changed.append(copy)
        if len(changed) >= BATCH:
            WorkingCopy.objects.bulk_update(changed, ["values"])
            changed = []
    WorkingCopy.objects.bulk_update(changed, ["values"])


def forwards(apps, schema_editor):
    rename_stored_field(apps, "dek", "standfirst")


def backwards(apps, schema_editor):
    rename_stored_field(apps, "standfirst", "dek")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0019_changes_requested_notes_assignments"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RenameField(model_name="article", old_name="dek", new_name="standfirst"),
        # Its name is its label now.
        migrations.AlterField(
            model_name="article",
            name="standfirst",
            field=models.TextField(
                blank=True,
                help_text="One or two sentences under the headline; also the summary in feeds "
                "and search results.",
            ),
        ),
        # The search vector's expression names the field, but the database computes it from
        # the column itself, whatever its name: PostgreSQL follows the renamed column (and on
        # SQLite the column is NULL). Only Django's record of the expression changes; altering
        # it in the database would mean dropping and recomputing the vector of every story.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="search_vector",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=articles.search.SearchDocument(),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
