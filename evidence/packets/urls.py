from django.urls import path

from evidence.packets.views import packets as views

app_name = "packets"
urlpatterns = [
    path("", views.packet_list, name="list"),
    path("new/", views.packet_create, name="create"),
    path("<int:pk>/", views.packet_detail, name="detail"),
    path("<int:pk>/progress/", views.packet_progress, name="progress"),
    path("<int:pk>/download/", views.packet_download, name="download"),
]
