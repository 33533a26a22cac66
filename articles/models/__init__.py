from articles.models.article import Article, ArticleQuerySet, Byline, Status
from articles.models.people import Author
from articles.models.photos import ArticlePhoto, Photo, format_credit
from articles.models.sections import Section

__all__ = [
    "Article",
    "ArticlePhoto",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Photo",
    "Section",
    "Status",
    "format_credit",
]
