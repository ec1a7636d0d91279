from django.apps import AppConfig


class CollectionConfig(AppConfig):
    """Accounts, collection runs, check results and the immutable evidence they cite."""

    name = "evidence.collection"
    label = "collection"
    verbose_name = "Collection"
