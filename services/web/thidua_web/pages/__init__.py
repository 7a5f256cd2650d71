"""The pages: one router module per feature, each with its templates in templates/<feature>/."""
