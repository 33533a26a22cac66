from articles.admin import article, people, photo  # noqa: F401  (registers the model admins)
