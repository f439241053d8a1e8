"""Page-level access: who may open a page at all. What they see on it comes from the selectors."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from . import roles


def role_required(*names: str):
    """Logged in and holding one of the roles; anyone else gets the login page or 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.has_role(user, *names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


resident_required = role_required(roles.RESIDENT)
desk_required = role_required(roles.DESK, roles.COORDINATOR)
