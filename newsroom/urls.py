from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from newsroom import floor

admin.site.site_header = settings.NEWSROOM_SITE_NAME
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} admin"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_BENCH_FLOOR:
    urlpatterns.append(path("bench/floor/", floor.floor, name="bench-floor"))

# In development Django serves uploads; in production the web server or object storage does.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
