from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from core.access import Access


class LoginView(auth_views.LoginView):
    access = Access.PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    access = Access.PUBLIC


def root(request):
    if request.user.is_authenticated and request.user.is_supplier_user:
        return redirect("portal:home")  # by name: accounts imports no domain app
    return redirect("reports:home")  # the home gathers every role's queues: a top floor


root.access = Access.PUBLIC
