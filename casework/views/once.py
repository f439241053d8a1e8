"""A form sent twice does its work once. The first POST with a form's token (casework/forms/once.py) claims
it; a second one finds it taken and does nothing. When the work fails, the token is given back, so the same
page, corrected, may be sent again. Without the cache (Redis down) the work is done unguarded, not refused."""

import logging
from contextlib import contextmanager

from django.contrib import messages
from django.core.cache import cache
from django.utils.translation import gettext as _

TOKEN_SECONDS = 60 * 60  # a page sent again within the hour does nothing twice
logger = logging.getLogger(__name__)


def _key(request, token: str) -> str:
    return f"casework-form:{request.user.pk}:{token}"


def _claim(key: str) -> bool:
    try:
        return cache.add(key, "1", timeout=TOKEN_SECONDS)
    except Exception:  # the cache is down: better once too often than a page that cannot be sent
        logger.warning("form token not checked: the cache is unavailable", exc_info=True)
        return True


def _release(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("form token not released: the cache is unavailable", exc_info=True)


@contextmanager
def sent_once(request, form):
    """Yields True the first time this form is sent, False after (and says so to the user). If the block
    raises (the service refused, or anything else), the token is given back."""
    token = getattr(form, "token", "")
    if not token:
        yield True
        return
    key = _key(request, token)
    if not _claim(key):
        messages.info(request, _("Dit formulier was al verstuurd. Het is één keer verwerkt."))
        yield False
        return
    try:
        yield True
    except BaseException:
        _release(key)
        raise
