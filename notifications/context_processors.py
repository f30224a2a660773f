from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notifications(request):
    """`unread_notifications` for the header badge; counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_internal:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
