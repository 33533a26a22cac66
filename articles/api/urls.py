from django.urls import path

from articles.api import views

app_name = "api"

urlpatterns = [
    path("ninjs/", views.story_list, name="list"),
    path("ninjs/<int:pk>", views.story_item, name="item"),
]
