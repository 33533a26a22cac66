from django.apps import AppConfig
from django.core import checks


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.checks import content_credentials, shared_cache

        checks.register(shared_cache, checks.Tags.caches)
        checks.register(content_credentials)
        # Tells the cache what each change shows readers.
        from articles import invalidation  # noqa: F401
