from django.conf import settings
from django.conf.urls.static import static as serve_files
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from articles.admin import budget
from newsroom import floor

admin.site.site_header = settings.NEWSROOM_SITE_NAME
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} admin"
admin.site.index_title = "Newsroom"

# The 500 page must render when the database or a context processor is what failed.
handler500 = "articles.views.server_error"


def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; send them to the real icon.
    return redirect(static(settings.NEWSROOM_LOGO), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    # New colleagues choose their password here, from the link in their invitation
    # (articles.notifications.invite); before the admin's own URLs, which would claim them.
    path(
        "admin/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The admin's home is the story budget for editors (articles.admin.budget.home).
    path("admin/", admin.site.admin_view(budget.home)),
    path("admin/", admin.site.urls),
    path("api/", include("articles.api.urls")),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_BENCH_FLOOR:
    urlpatterns.append(path("bench/floor/", floor.floor, name="bench-floor"))

# In development Django serves uploads; in production the web server or object storage does.
urlpatterns += serve_files(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
