from django.urls import path

from evidence.exceptions.views import exceptions

urlpatterns = [
    path("exceptions/", exceptions.exception_index, name="exception-list"),
    path("exceptions/new/", exceptions.exception_create, name="exception-create"),
    path("exceptions/<int:pk>/", exceptions.exception_detail, name="exception-detail"),
    path("exceptions/<int:pk>/decision/", exceptions.exception_decision, name="exception-decision"),
    path("exceptions/<int:pk>/revoke/", exceptions.exception_revocation, name="exception-revoke"),
]
