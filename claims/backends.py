"""The lock-out check of django-axes as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutCheck(AxesStandaloneBackend):
    """Refuses a locked account before any password is checked. An authentication without a request (a management
    command, the test client's `login`) is not a login from the web: it is not counted and not refused."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
