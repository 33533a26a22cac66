from articles.admin import article, fronts, people, photo, users  # noqa: F401  (registers the model admins)
