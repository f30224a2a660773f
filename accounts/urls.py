from django.urls import path

from . import language_views, token_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", language_views.ProfileView.as_view(), name="profile"),
    path("accounts/api-tokens/", token_views.ApiTokenListView.as_view(), name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("", views.root, name="root"),
]
