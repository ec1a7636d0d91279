from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "grc.catalog"
    label = "catalog"
    verbose_name = "Control catalog"
