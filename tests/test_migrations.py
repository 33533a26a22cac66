import importlib
import json

import reversion
from django.apps import apps
from django.core import serializers
from reversion.models import Version

from articles import revisions
from articles.models import Article, WorkingCopy

rename_dek = importlib.import_module("articles.migrations.0020_rename_dek_standfirst")


def as_before_the_rename(story):
    """The story as reversion serialised it while the standfirst was the field "dek"."""
    objects = json.loads(serializers.serialize("json", [story]))
    objects[0]["fields"] = {
        "dek" if name == "standfirst" else name: value
        for name, value in objects[0]["fields"].items()
    }
    return json.dumps(objects)


def test_a_revision_saved_before_the_rename_reverts_with_its_standfirst(make_article, editor):
    story = make_article(standfirst="The standfirst as it was")
    with reversion.create_revision():
        story.save()
    old = revisions.versions_of(story).get()
    Version.objects.filter(pk=old.pk).update(serialized_data=as_before_the_rename(story))
    Article.objects.filter(pk=story.pk).update(standfirst="Rewritten since")

    rename_dek.forwards(apps, schema_editor=None)

    old.refresh_from_db()
    assert old.field_dict["standfirst"] == "The standfirst as it was"
    revisions.restore(story, old, by=editor)
    assert Article.objects.get(pk=story.pk).standfirst == "The standfirst as it was"


def test_a_working_copy_kept_before_the_rename_keeps_its_standfirst(make_article, editor):
    story = make_article()
    copy = WorkingCopy.objects.create(
        user=editor,
        article=story,
        values={"headline": "Typed", "dek": "Typed before the rename"},
        taken_at=story.created_at,
    )

    rename_dek.forwards(apps, schema_editor=None)

    copy.refresh_from_db()
    assert copy.values == {"headline": "Typed", "standfirst": "Typed before the rename"}


def test_the_rename_of_stored_data_goes_back(make_article, editor):
    story = make_article(standfirst="Kept")
    with reversion.create_revision():
        story.save()
    rename_dek.backwards(apps, schema_editor=None)
    version = revisions.versions_of(story).get()
    assert json.loads(version.serialized_data)[0]["fields"]["dek"] == "Kept"
    assert version.serialized_data == as_before_the_rename(story)
