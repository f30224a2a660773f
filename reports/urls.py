from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("home/", views.HomeView.as_view(), name="home"),
    path("reports/", views.ReportsIndexView.as_view(), name="index"),
]
