from articles.models.addresses import FormerSlug
from articles.models.alerts import Alert, AlertChange
from articles.models.article import Article, ArticleQuerySet, Byline, Status
from articles.models.bodies import BodyLink, BodyPhoto
from articles.models.embeds import BodyEmbed, Embed
from articles.models.fronts import Area, Fill, Front, Layout, Slot, Style, front_areas
from articles.models.labels import Label
from articles.models.live import LiveChange, LiveEntry
from articles.models.notes import StoryNote
from articles.models.partners import Partner
from articles.models.people import Author
from articles.models.photos import ArticlePhoto, Photo, PhotoChange, format_credit
from articles.models.renditions import Rendition
from articles.models.sections import Section
from articles.models.workflow import (
    AuditEntry,
    ChecklistError,
    Correction,
    ImmutableError,
    WorkflowError,
)
from articles.models.working_copies import WorkingCopy

__all__ = [
    "Alert",
    "AlertChange",
    "Area",
    "Article",
    "ArticlePhoto",
    "ArticleQuerySet",
    "AuditEntry",
    "Author",
    "BodyEmbed",
    "BodyLink",
    "BodyPhoto",
    "Byline",
    "ChecklistError",
    "Correction",
    "Embed",
    "Fill",
    "FormerSlug",
    "Front",
    "ImmutableError",
    "Label",
    "Layout",
    "LiveChange",
    "LiveEntry",
    "Partner",
    "Photo",
    "PhotoChange",
    "Rendition",
    "Section",
    "Slot",
    "Status",
    "StoryNote",
    "Style",
    "WorkflowError",
    "WorkingCopy",
    "format_credit",
    "front_areas",
]
