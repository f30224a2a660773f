"""A person's language: the profile page where they pick it, and the header's language switcher, which
saves the choice for a logged-in user (so their notifications and PDFs follow it too)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import UpdateView
from django.views.i18n import set_language as django_set_language

from core.access import Access
from core.forms import BootstrapFormMixin

from .models import Language, User


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        help_texts = {"language": gettext_lazy("Pages, notifications, e-mails and PDFs you ask for are in this language.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", gettext_lazy("As my browser asks")), *Language.choices]


class ProfileView(LoginRequiredMixin, UpdateView):
    """Everyone who logs in, staff and supplier users alike, picks their own language here."""

    access = Access.PUBLIC  # any logged-in person (LoginRequiredMixin): internal and supplier users
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        form.save()
        response = HttpResponseRedirect(self.request.path)
        if form.instance.language:  # blank: pages follow the browser again
            translation.activate(form.instance.language)
            # The same cookie the switcher sets, so the login page keeps the language after logging out.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.instance.language,
                                max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        messages.success(self.request, _("Your profile is saved."))
        return response


def set_language(request):
    """Django's set_language (the header switcher), and for a logged-in user the choice is saved as their
    preference."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    user = request.user
    if (user.is_authenticated and language in Language.values and translation.check_for_language(language)
            and user.language != language):
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return response


set_language.access = Access.PUBLIC
