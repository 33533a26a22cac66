"""System checks for what settings alone cannot refuse when they are imported."""

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Error, Warning
from django.utils.module_loading import import_string


def per_process_cache():
    """Whether the default cache lives in each process's own memory, unseen by the others.

    Every process must see one cache: it holds the tokens that end every kept page showing a
    story when it is published, edited or withdrawn (articles.caching), and the pages
    themselves. Kept per process, a change made in one worker (or a management command) leaves
    the others serving what they kept.
    """
    return issubclass(import_string(settings.CACHES["default"]["BACKEND"]), LocMemCache)


def shared_cache(app_configs, **kwargs):
    # Not only under --deploy: `migrate` runs this too, on every release. DEBUG off is taken
    # as production, where a single process never serves alone (management commands change
    # content too); runserver and the tests keep the local-memory default.
    if settings.DEBUG or not per_process_cache():
        return []
    return [
        Error(
            "The default cache is local memory, kept by each process: with several workers, "
            "app servers or management commands, each keeps its own pages and tokens, "
            "and a withdrawn story goes on being served for up to "
            f"NEWSROOM_PAGE_CACHE_SECONDS ({settings.NEWSROOM_PAGE_CACHE_SECONDS} s).",
            hint="Set CACHE_URL to a Redis server every app server shares (redis://host:6379/1).",
            id="articles.E001",
        )
    ]


def content_credentials(app_configs, **kwargs):
    """The trust anchors and signing key named in settings are there and work; in production,
    say so when renditions go out unsigned."""
    # Imported here: checks are registered before the models are ready.
    from articles.credentials.signing import Original, SigningError, sign
    from articles.models.renditions import signing_key, trust_anchors
    from articles.photometa import PhotoMetadata

    problems = []
    try:
        anchors = trust_anchors()
    except (OSError, UnicodeDecodeError) as error:
        anchors = None
        problems.append(
            Error(
                f"NEWSROOM_C2PA_TRUST_ANCHORS cannot be read: {error}",
                hint="Name a PEM file of certificate authorities, or leave it empty.",
                id="articles.E002",
            )
        )
    if anchors is not None and anchors and "-----BEGIN CERTIFICATE-----" not in anchors:
        problems.append(
            Error(
                "NEWSROOM_C2PA_TRUST_ANCHORS names a file with no PEM certificate in it.",
                id="articles.E002",
            )
        )
    if bool(settings.NEWSROOM_C2PA_KEY) != bool(settings.NEWSROOM_C2PA_CERT):
        return [
            *problems,
            Error(
                "Set both NEWSROOM_C2PA_KEY and NEWSROOM_C2PA_CERT, or neither.",
                id="articles.E003",
            ),
        ]
    try:
        key = signing_key()
        if key is not None:
            # One tiny signature: a key that cannot sign would fail every photo saved.
            sign(
                _TINY_GIF,
                "image/gif",
                key=key,
                original=Original(_TINY_GIF, "image/gif", "check.gif"),
                metadata=PhotoMetadata(),
                cropped=False,
            )
    except (OSError, SigningError) as error:
        return [
            *problems,
            Error(
                f"The Content Credentials key cannot sign renditions: {error}",
                hint="NEWSROOM_C2PA_KEY and NEWSROOM_C2PA_CERT name a PEM private key and its "
                "certificate chain (`manage.py make_signing_key` makes a development pair).",
                id="articles.E003",
            ),
        ]
    if key is None and not settings.DEBUG:
        problems.append(
            Warning(
                "Renditions are drawn without Content Credentials: no signing key is set.",
                hint="Set NEWSROOM_C2PA_KEY and NEWSROOM_C2PA_CERT to the newsroom's C2PA key "
                "and certificate chain (docs/content-credentials.md).",
                id="articles.W002",
            )
        )
    return problems


# A 1x1 GIF: the smallest picture the library signs.
_TINY_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
