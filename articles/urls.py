from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from articles import feeds, sitemaps, views
from articles.caching import public_page


class TagSlugConverter(SlugConverter):
    """taggit keeps letters beyond ASCII in the slugs it makes: "Zürich" is "zürich"."""

    regex = r"[-\w]+"


register_converter(TagSlugConverter, "tag")

app_name = "articles"

urlpatterns = [
    # First: the page readers ask for most, and no other address starts with a number.
    path(
        "<int:year>/<int:month>/<int:day>/<slug:slug>/",
        public_page(views.ArticleDetailView.as_view()),
        name="detail",
    ),
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("latest/", public_page(views.LatestView.as_view()), name="latest"),
    # Search results are as many as the queries readers type: not worth a place in the cache.
    path("search/", public_page(views.SearchView.as_view(), store=False), name="search"),
    path("section/<slug:slug>/", public_page(views.SectionView.as_view()), name="section"),
    path("tag/<tag:slug>/", public_page(views.TagView.as_view()), name="tag"),
    path("author/<slug:slug>/", public_page(views.AuthorView.as_view()), name="author"),
    path("feed/", public_page(feeds.LatestStoriesFeed()), name="feed"),
    path("feed/atom/", public_page(feeds.LatestStoriesAtomFeed()), name="atom"),
    path("section/<slug:slug>/feed/", public_page(feeds.SectionFeed()), name="section-feed"),
    path(
        "section/<slug:slug>/feed/atom/",
        public_page(feeds.SectionAtomFeed()),
        name="section-atom",
    ),
    path("tag/<tag:slug>/feed/", public_page(feeds.TagFeed()), name="tag-feed"),
    path("tag/<tag:slug>/feed/atom/", public_page(feeds.TagAtomFeed()), name="tag-atom"),
    # A live story's updates for its open pages, and its entries as a feed.
    path("live/<slug:slug>/updates/", public_page(views.live_updates), name="live-updates"),
    path("live/<slug:slug>/feed/", public_page(feeds.LiveFeed()), name="live-feed"),
    path("sitemap.xml", public_page(sitemaps.index), name="sitemap-index"),
    path("sitemap-<slug:section>.xml", public_page(sitemaps.sitemap), name="sitemap"),
    path("news-sitemap.xml", public_page(sitemaps.news_sitemap), name="news-sitemap"),
    path("robots.txt", public_page(views.robots_txt), name="robots"),
    # Never cached: a preview is for its editors and writers only.
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
]
