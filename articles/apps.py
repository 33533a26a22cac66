from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete, post_save


def _tag_changed(**kwargs):
    from articles.caching import content_changed

    content_changed()  # a tag's name is on the page of every story carrying it


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.checks import shared_cache

        checks.register(shared_cache, checks.Tags.caches)

        # taggit's Tag is not ours to give a save() that says so, as Section and Author do.
        from taggit.models import Tag

        post_save.connect(_tag_changed, sender=Tag, dispatch_uid="newsroom-tag-saved")
        post_delete.connect(_tag_changed, sender=Tag, dispatch_uid="newsroom-tag-deleted")
