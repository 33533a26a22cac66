"""Settings for Newsroom, read from the environment (and an optional .env file)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from articles.oembed import FRAME_ORIGINS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Off unless the environment turns it on: a server started without configuration fails closed
# (below) instead of running with debug pages and a published key. `make run` turns it on.
DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    # Refuse to start rather than run in production with a guessable key or open hosts.
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a long random value when DEBUG is off (DEBUG=true for development)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Set ALLOWED_HOSTS when DEBUG is off (DEBUG=true for development)."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Addresses managing editors redirect by hand (an old site's, a campaign's); a story's own
    # earlier addresses are kept by the story (articles.models.addresses). Redirects belong to
    # a site, hence the sites framework.
    "django.contrib.sites",
    "django.contrib.redirects",
    # Full-text search on PostgreSQL; harmless on SQLite, where search falls back.
    "django.contrib.postgres",
    "taggit",
    "reversion",
    "axes",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers readers without a session from the cache, before the rest: what follows adds
    # headers (and may set cookies) on the way out, and it sees them all before keeping a page.
    "articles.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Looks a hand-made redirect up for a page not found, and only then. The page cache above
    # keeps 200s alone, so it never keeps the 404 this replaces, nor the redirect.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
# The one site: its domain (set from NEWSROOM_SITE_URL by a migration) is where the admin's
# "View on site" leads. Reader pages and feeds use the host they were asked on.
SITE_ID = 1
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "articles.context_processors.site",
            ],
        },
    },
]

_SQLITE_DIR = BASE_DIR / "var"
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{_SQLITE_DIR / 'db.sqlite3'}"),
}
# A worker keeps its connection between requests: opening one costs more than a page built
# from kept pieces. Checked before reuse, so a restarted database server costs one failed
# check, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _POSTGRES_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
    # Reader pages are short index walks: PostgreSQL's JIT compiled the larger queries (search,
    # the sitemap index) for far longer than it saved (docs/performance.md).
    _POSTGRES_OPTIONS.setdefault("options", "-c jit=off")
    # Parameters sent apart from the SQL, which lets psycopg prepare the statements a
    # connection runs again and again. Off behind a pooler that cannot keep prepared
    # statements (PgBouncer in transaction mode before 1.21).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        _POSTGRES_OPTIONS.setdefault("server_side_binding", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _SQLITE_DIR.mkdir(exist_ok=True)
    # WAL and an immediate write lock let the dev server's threads write without
    # "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory holds 300 entries by default: too few for the pages and story pieces of a news
# site of any size. In production, Redis (redis://...) shared by every process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom?max_entries=30000")}
# The keys PageCacheMiddleware reads for a hit (articles/caching.py; a test pins them). On Redis
# each process keeps a copy of the pages, the clock and "done", and Redis tells it when any
# changes; the notes that a page was found current it keeps for itself, since each process finds
# that out on its own and sharing them only made each vouching cost the others a read
# (newsroom/near_cache.py). A hit makes no round trip.
NEWSROOM_HIT_KEYS = ["newsroom:page:", "newsroom:schedule", "newsroom:token:done"]
NEWSROOM_OWN_KEYS = ["newsroom:checked:"]
if CACHES["default"]["BACKEND"].endswith(".RedisCache") and env.bool("NEWSROOM_NEAR_CACHE", True):
    CACHES["default"]["BACKEND"] = "newsroom.near_cache.NearRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        NEAR_PREFIXES=NEWSROOM_HIT_KEYS, OWN_PREFIXES=NEWSROOM_OWN_KEYS
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Date and time formats of our own: a time is always shown with its zone (newsroom/formats).
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads and renditions: this machine's disk (MEDIA_ROOT) by default, or an S3-compatible bucket
# that every app server shares (MEDIA_STORAGE=s3). Keys come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or boto3's own chain (an instance role, ~/.aws).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    _S3_ENDPOINT = env.str("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    _S3_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="").strip("/")
    _S3_OPTIONS = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "location": env.str("AWS_LOCATION", default="").strip("/"),
        # Readers load pictures straight from the bucket or its CDN: plain URLs, no signatures.
        "querystring_auth": False,
        # A name is never reused for other bytes (random names for originals, content-addressed
        # renditions): never overwrite, as on disk, and let browsers and CDNs keep files a year.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if _S3_ENDPOINT:
        # Path-style URLs (endpoint/bucket/name) work with every S3-compatible server.
        _S3_OPTIONS |= {"endpoint_url": _S3_ENDPOINT, "addressing_style": "path"}
    if _S3_DOMAIN:
        _S3_OPTIONS["custom_domain"] = _S3_DOMAIN
        _S3_OPTIONS["url_protocol"] = env.str("AWS_S3_URL_PROTOCOL", default="https:")
        MEDIA_URL = f"{_S3_OPTIONS['url_protocol']}//{_S3_DOMAIN}/"
    elif _S3_ENDPOINT:
        MEDIA_URL = f"{_S3_ENDPOINT}/{_S3_OPTIONS['bucket_name']}/"
    else:
        raise ImproperlyConfigured(
            "With MEDIA_STORAGE=s3, set AWS_S3_CUSTOM_DOMAIN (the CDN or bucket host readers "
            "load pictures from) or AWS_S3_ENDPOINT_URL."
        )
    if _S3_OPTIONS["location"]:
        MEDIA_URL += f"{_S3_OPTIONS['location']}/"
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS}
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE is local or s3, not {MEDIA_STORAGE!r}.")
_MEDIA_ORIGINS = [f"{_url.scheme}://{_url.netloc}"] if (_url := urlsplit(MEDIA_URL)).netloc else []

# Tests run with DEBUG forced off; decide from the configured value so they need no collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            option: _email[key]
            for key, option in _SMTP_OPTIONS.items()
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and _email.get(key)
        },
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    # Workflow mail is sent while the editor's request waits, and tried again on failure
    # (articles.notifications): a mail server that stops answering must not hold it for ever.
    MAILERS["default"]["OPTIONS"]["timeout"] = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")

# Production hardening; each can be relaxed from the environment where a proxy does the job.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# Only our own scripts run: an injected inline <script> or on*= handler is refused by the
# browser. The reader's site has no inline script at all (JSON-LD is data, not script), so its
# cached pages need no per-response nonce; the admin's few inline scripts carry the nonce.
# Inline styles stay allowed: the rich-text editor injects its base stylesheet at run time,
# and a style cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Pictures from object storage or its CDN when media live there.
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # An embed's player, once the reader asks for it: the providers' player origins only.
    "frame-src": list(FRAME_ORIGINS),
}

# The story body's own blocks (articles/richtext.py): the editor's module, and what each
# block may carry through the sanitiser.
_BODY_BLOCKS = html_tags(
    ["figure", "aside"],
    {"figure": ["data-photo", "data-embed"], "aside": ["data-story"], "table": ["data-caption"]},
)
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        # Resolved when the editor is drawn: a bare path would be taken as a module specifier.
        "js": [static_lazy("articles/admin/body-blocks.js")],
        "extensions": {
            "TableCaption": _BODY_BLOCKS,
            "BodyPhoto": _BODY_BLOCKS,
            "StoryLink": _BODY_BLOCKS,
            "Embed": _BODY_BLOCKS,
        },
    }
]

# Login throttling: after AXES_FAILURE_LIMIT failed logins for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Quiet start-up; failures, lockouts and successful logins are still logged.
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address of a request: X-Real-IP when it comes from one of these reverse proxies (addresses
# or networks; nginx on the same machine is 127.0.0.1), the connection's own otherwise. Empty,
# no header is believed: set it whenever the app runs behind a proxy (newsroom.proxies).
NEWSROOM_TRUSTED_PROXIES = env.list("NEWSROOM_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_address"

# Newsroom's own settings.
NEWSROOM_SITE_NAME = env.str("NEWSROOM_SITE_NAME", default="The Newsroom")
# The site's mark, a static file (SVG, square): beside the name in the masthead, the browser's
# icon, and the publisher's logo in structured data.
NEWSROOM_LOGO = env.str("NEWSROOM_LOGO", default="identity/logo.svg")
# The picture social sites show for a page without a photo of its own, a static file: they
# read no SVG, so a PNG or JPEG, 1200 x 630 (Open Graph's recommended size).
NEWSROOM_SHARE_IMAGE = env.str("NEWSROOM_SHARE_IMAGE", default="identity/share.png")
NEWSROOM_COPYRIGHT_HOLDER = env.str("NEWSROOM_COPYRIGHT_HOLDER", default="The Newsroom Ltd")
NEWSROOM_COPYRIGHT_NOTICE = env.str(
    "NEWSROOM_COPYRIGHT_NOTICE", default="© {year} {holder}. All rights reserved."
)
NEWSROOM_PAGE_SIZE = env.int("NEWSROOM_PAGE_SIZE", default=20)
# How often an open live page asks for new entries, in seconds.
NEWSROOM_LIVE_POLL_SECONDS = env.int("NEWSROOM_LIVE_POLL_SECONDS", default=10)
# Admin lists longer than this (by PostgreSQL's estimate) show the estimate, not a full count.
NEWSROOM_EXACT_COUNT_LIMIT = env.int("NEWSROOM_EXACT_COUNT_LIMIT", default=50_000)
# A story open in the admin shows as "being edited" for this long after its last open or save.
NEWSROOM_EDIT_LOCK_MINUTES = env.int("NEWSROOM_EDIT_LOCK_MINUTES", default=15)
# Absolute links in emails (no request to build them from).
NEWSROOM_SITE_URL = env.str("NEWSROOM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long browsers, proxies and CDNs may keep a public page without asking again (seconds).
NEWSROOM_CACHE_MAX_AGE = env.int("NEWSROOM_CACHE_MAX_AGE", default=60)
# How long the proxy in front keeps a page whatever max-age says: deploy/nginx.conf's
# proxy_cache_valid. A page that changes by itself sooner (a banner ending) tells it so.
NEWSROOM_MICROCACHE_SECONDS = env.int("NEWSROOM_MICROCACHE_SECONDS", default=5)
# The longest our own cache keeps a page. A change to what it shows ends it at once
# (articles.caching); this bounds only changes made behind the models' back.
NEWSROOM_PAGE_CACHE_SECONDS = env.int("NEWSROOM_PAGE_CACHE_SECONDS", default=600)
# Off, every request builds its page from kept pieces: how `make bench` measures uncached pages.
NEWSROOM_STORE_PAGES = env.bool("NEWSROOM_STORE_PAGES", default=True)
# Each story's own HTML (its cards, its page's story) is kept this long between requests, until
# the story changes (articles.caching); off, it is drawn afresh on every request.
NEWSROOM_STORE_PIECES = env.bool("NEWSROOM_STORE_PIECES", default=True)
NEWSROOM_PIECE_CACHE_SECONDS = env.int("NEWSROOM_PIECE_CACHE_SECONDS", default=86_400)
# Photo uploads over either limit are refused with a message. Pillow itself refuses anything
# over about 179 megapixels, whatever this says.
# Embeds (articles/oembed.py): how long a provider may take to answer when a story is saved,
# and per provider overrides of its table ({"youtube": {"endpoint": "…"}}; Meta's endpoints
# need an app token in their address).
NEWSROOM_OEMBED_TIMEOUT = env.float("NEWSROOM_OEMBED_TIMEOUT", default=3.0)
NEWSROOM_OEMBED_PROVIDERS = env.json("NEWSROOM_OEMBED_PROVIDERS", default={})
NEWSROOM_MAX_UPLOAD_BYTES = env.int("NEWSROOM_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
NEWSROOM_MAX_IMAGE_PIXELS = env.int("NEWSROOM_MAX_IMAGE_PIXELS", default=100_000_000)
# Content Credentials (C2PA, docs/content-credentials.md). The certificate authorities whose
# signers we trust, one PEM file of certificates (e.g. the C2PA trust list); empty, every
# signed picture shows as signed by an unconfirmed signer.
NEWSROOM_C2PA_TRUST_ANCHORS = env.str("NEWSROOM_C2PA_TRUST_ANCHORS", default="")
# The newsroom's own signing key and certificate chain (PEM files) for every rendition drawn;
# empty, renditions are drawn unsigned (`manage.py check` warns with DEBUG off).
NEWSROOM_C2PA_KEY = env.str("NEWSROOM_C2PA_KEY", default="")
NEWSROOM_C2PA_CERT = env.str("NEWSROOM_C2PA_CERT", default="")
# `make bench` only: serves a constant page at /bench/floor/, the framework's own speed limit.
NEWSROOM_BENCH_FLOOR = env.bool("NEWSROOM_BENCH_FLOOR", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
