from django.urls import path

from . import jobs

app_name = "core"

urlpatterns = [
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", jobs.job_download, name="job_download"),
]
