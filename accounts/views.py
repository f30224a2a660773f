from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .access import Access
from .home import work_queues_for


class LoginView(auth_views.LoginView):
    access = Access.PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    access = Access.PUBLIC


class HomeView(TemplateView):
    """Each role's work queue on one page; a person with several roles sees each of them."""

    access = Access.INTERNAL
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queues=work_queues_for(self.request.user), **kwargs)


class SupplierHomeView(TemplateView):
    """Placeholder until the supplier portal: a supplier login sees this and nothing internal."""

    access = Access.SUPPLIER
    template_name = "accounts/supplier_home.html"


def root(request):
    if request.user.is_authenticated and request.user.is_supplier_user:
        return redirect("accounts:supplier_home")
    return redirect("accounts:home")


root.access = Access.PUBLIC
