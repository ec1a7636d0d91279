from evidence.exceptions.models.exceptions import RiskException

__all__ = ["RiskException"]
