"""REST API routes: /api/v1/... and the OpenAPI schema."""

urlpatterns: list = []
