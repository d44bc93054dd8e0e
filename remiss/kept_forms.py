"""A session that times out never throws away a form's content.

When a form is posted after the session has ended, the posted fields are kept in the new
(anonymous) session and the person is sent to log in; back on the form, the view finds them and
shows them again, to be checked and saved. Django keeps session data across login.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, QueryDict

SESSION_KEY = "kept_form"
NOT_KEPT = {"csrfmiddlewaretoken"}


def keep_form_through_login(view):
    """Like login_required, but a POST from a logged-out person is kept, not dropped."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            request.session[SESSION_KEY] = {
                "path": request.path,
                "data": {k: v for k, v in request.POST.lists() if k not in NOT_KEPT},
            }
        return redirect_to_login(request.get_full_path())

    return wrapper


def pop_kept_form(request: HttpRequest) -> QueryDict | None:
    """The form kept for this page, if any, as POST-like data (removed from the session)."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    return as_querydict(kept["data"])


def as_querydict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, list(values))
    return result
