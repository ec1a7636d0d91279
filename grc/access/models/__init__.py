from grc.access.models.apikeys import ApiKey

__all__ = ["ApiKey"]
