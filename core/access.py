"""Who may open which page. Deny by default: a view that declares nothing is refused to everyone.

A view declares its audience in one of three ways:
- `permission_required` (Django's PermissionRequiredMixin, or the `requires_permissions` decorator):
  internal users holding those permissions;
- `access = Access.INTERNAL`: any internal user (home page, inbox, profile);
- `access = Access.SUPPLIER`: supplier logins (their portal), and internal users holding the permissions
  the view also declares, if any; `access = Access.PUBLIC`: anyone.
A supplier login is refused every page not marked for suppliers. The admin and the token API guard
themselves and are left alone here."""

import functools
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

# Not checked here: the admin and the token API guard themselves; static files and the language switch
# are public. (Uploaded files under /media/ are checked: in development they are served by a view
# marked INTERNAL; in production the web server serves them.)
EXEMPT_PREFIXES = ("/admin/", "/api/", "/static/", "/i18n/")


class Access(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    SUPPLIER = "supplier"


def view_declaration(view_func):
    """(access, permissions) that a resolved view declares."""
    target = getattr(view_func, "view_class", None) or view_func
    access = getattr(target, "access", None)
    perms = getattr(target, "permission_required", None)
    if isinstance(perms, str):
        perms = (perms,)
    return access, tuple(perms or ())


def user_may_open(user, view_func):
    access, perms = view_declaration(view_func)
    if access == Access.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if access == Access.SUPPLIER:
        # An internal user opens a supplier page only through the permissions it declares (the portal's
        # read-only "view as a supplier"); none declared, none may.
        if user.is_supplier_user:
            return True
        return bool(perms) and user.is_internal and user.has_perms(perms)
    if not user.is_internal:
        return False
    if perms:  # declared permissions always count, also on a page marked INTERNAL
        return user.has_perms(perms)
    return access == Access.INTERNAL


class RoleAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(EXEMPT_PREFIXES) or request.path_info == "/healthz":
            return None
        access, _perms = view_declaration(view_func)
        if access == Access.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if user_may_open(user, view_func):
            return None
        if user.is_supplier_user and access != Access.SUPPLIER:
            # An outside login never sees anything internal; send it to its own corner.
            return redirect("portal:home")  # by name: core imports no domain app
        raise PermissionDenied


def access(level):
    """Decorator for function views: @access(Access.INTERNAL)."""

    def decorate(view):
        view.access = level
        return view

    return decorate


def requires_permissions(*perms):
    """Decorator for function views: the middleware checks these (and so does the view)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_required = perms
        return wrapped

    return decorate
