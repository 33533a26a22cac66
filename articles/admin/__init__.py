from articles.admin import alerts, article, people, photo, users  # noqa: F401  (registers the model admins)
