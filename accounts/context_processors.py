from django.utils.functional import SimpleLazyObject

from .navigation import menu_for_request


def navigation(request):
    """`nav_menu` for the page header: built only when a template shows it, and at most once per request
    (cached on the request), so fragments rendered with the request's context cost nothing extra."""
    return {"nav_menu": SimpleLazyObject(lambda: menu_for_request(request))}
