"""The "API tokens" page: each internal user creates and revokes their own tokens."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from core.access import Access
from core.forms import BootstrapFormMixin

from .models import ApiToken
from .tokens import create_token, revoke_token


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “Shopify webhook”."))


@method_decorator(never_cache, name="dispatch")
class ApiTokenListView(View):
    access = Access.INTERNAL
    template_name = "accounts/tokens.html"

    def render(self, form, new_key=None, new_token=None):
        tokens = ApiToken.objects.filter(user=self.request.user)
        return render(self.request, self.template_name,
                      {"form": form, "tokens": tokens, "new_key": new_key, "new_token": new_token})

    def get(self, request):
        return self.render(ApiTokenForm())

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        token, key = create_token(user=request.user, name=form.cleaned_data["name"], actor=request.user)
        # Rendered, not redirected: the plain key is never stored anywhere, not even in the session.
        return self.render(ApiTokenForm(), new_key=key, new_token=token)


class ApiTokenRevokeView(View):
    access = Access.INTERNAL
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        revoke_token(token, actor=request.user)
        messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
        return redirect("accounts:api_tokens")
