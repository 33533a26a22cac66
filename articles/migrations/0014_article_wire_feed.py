from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_photo_change'),
    ]

    operations = [
        # A wire story was known by its file name alone, so "story.txt" from one agency replaced
        # the draft of another's. It is now known by its feed and its name there. Stories
        # imported before keep their file name and get an empty feed, because the folder they
        # came from was never recorded: the importer takes such a story as a file's own only when
        # the file's content is identical (articles.wire.importer), and otherwise makes a new
        # draft rather than overwrite what may be another agency's story.
        migrations.RemoveConstraint(
            model_name='article',
            name='article_unique_wire_key',
        ),
        migrations.AddField(
            model_name='article',
            name='wire_feed',
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddConstraint(
            model_name='article',
            constraint=models.UniqueConstraint(condition=models.Q(('wire_key', ''), _negated=True), fields=('wire_feed', 'wire_key'), name='article_unique_wire_identity'),
        ),
    ]
