from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = settings.NEWSROOM_SITE_NAME
admin.site.site_title = f"{settings.NEWSROOM_SITE_NAME} admin"
admin.site.index_title = "Newsroom"

# The 500 page must render when the database or a context processor is what failed.
handler500 = "articles.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

# In development Django serves uploads; in production the web server or object storage does.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
