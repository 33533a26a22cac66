from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, Author, Section


class ArticleListView(ListView):
    """Newest published stories first; subclasses narrow the list."""

    paginate_by = settings.NEWSROOM_PAGE_SIZE
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().with_card_data()


class HomeView(ArticleListView):
    template_name = "articles/home.html"


class SectionView(ArticleListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.section.name, description=self.section.description, **kwargs
        )


class TagView(ArticleListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Tagged “{self.tag.name}”", **kwargs)


class AuthorView(ArticleListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.author.name, description=self.author.bio, author=self.author, **kwargs
        )


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().with_card_data()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # The date in the address is for people; the slug finds the story. Old or mistyped
        # dates lead to the one canonical address.
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


class ArticlePreviewView(DetailView):
    """An unpublished story exactly as readers will see it, for its editors and writers only."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.with_card_data()

    def get_object(self, queryset=None):
        story = super().get_object(queryset)
        # Not found rather than forbidden: nobody else learns the story exists.
        if not story.can_preview(self.request.user):
            raise Http404
        return story

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "private, no-store"
        return response
