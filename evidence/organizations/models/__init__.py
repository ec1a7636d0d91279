from evidence.organizations.models.organizations import (
    Organization,
    OrganizationAccount,
    OrganizationSync,
)

__all__ = ["Organization", "OrganizationAccount", "OrganizationSync"]
