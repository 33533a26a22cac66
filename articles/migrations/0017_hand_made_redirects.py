from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations

from articles.roles import sync_roles


def name_the_site(apps, schema_editor):
    """The site is where NEWSROOM_SITE_URL says, unless someone has named it already."""
    Site = apps.get_model("sites", "Site")
    site = Site.objects.filter(pk=settings.SITE_ID).first()
    if site is not None and site.domain != "example.com":  # Django's placeholder
        return
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={
            "domain": urlsplit(settings.NEWSROOM_SITE_URL).netloc[:100],
            "name": settings.NEWSROOM_SITE_NAME[:50],
        },
    )
    if site is None:
        # A row inserted with its id leaves PostgreSQL's sequence behind (as Django's own
        # create_default_site knows).
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_former_slugs"),
        ("sites", "0002_alter_domain_unique"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [
        migrations.RunPython(name_the_site, migrations.RunPython.noop),
        # Managing editors keep the hand-made redirects (articles.roles).
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
