"""A logged-in person reads Consign in their own language (User.language), whatever the browser asks for;
LocaleMiddleware (before authentication) still decides for everyone else."""

from django.utils import translation


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: activate the logged-in user's language for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
