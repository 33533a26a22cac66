from articles.admin import article, people, photo, users  # noqa: F401  (registers the model admins)
