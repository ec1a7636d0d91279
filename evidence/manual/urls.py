from django.urls import path

from evidence.manual.views import attestations, requests, submissions

app_name = "manual"
urlpatterns = [
    path("mine/", requests.my_requests, name="my-requests"),
    path("requests/", requests.request_list, name="request-list"),
    path("requests/new/", requests.request_create, name="request-create"),
    path("requests/assign/", requests.requests_assign, name="request-assign"),
    path("requests/seed/", requests.requests_seed, name="request-seed"),
    path("requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("requests/<int:pk>/submit/", submissions.submission_create, name="submission-create"),
    path("reviews/", submissions.review_queue_page, name="review-queue"),
    path("submissions/<int:pk>/review/", submissions.submission_review, name="submission-review"),
    path(
        "submissions/<int:pk>/download/",
        submissions.submission_download,
        name="submission-download",
    ),
    path("attestations/", attestations.attestation_index, name="attestation-list"),
    path("attestations/new/", attestations.attestation_create, name="attestation-create"),
    path(
        "attestations/<int:pk>/review/", attestations.attestation_review, name="attestation-review"
    ),
    path(
        "attestations/<int:pk>/download/",
        attestations.attestation_download,
        name="attestation-download",
    ),
]
