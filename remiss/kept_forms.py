"""A session that times out never throws away a form's content.

When a form is posted after the session has ended, the posted fields are kept in the new
(anonymous) session and the person is sent to log in; back on the form, the view finds them and
shows them again, to be checked and saved. Django keeps session data across login.

Only a real editor's text is kept, and only so much of it:

- Every page of an editor view answered to a logged-in person sets a signed cookie (the
  editor mark) naming that person, valid for EDITOR_MARK_HOURS. A logged-out POST is kept only
  when the browser still carries a valid mark: a browser that never had an editor session (a
  script posting to the URL) stores nothing, so the session table cannot be filled from outside.
- At most MAX_KEPT_CHARACTERS are kept; a longer form is not, and the person is told so.
- The kept form names the person of the mark, and is shown to that person only: whoever logs
  in next on the same browser does not see it (it is thrown away).
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, QueryDict

SESSION_KEY = "kept_form"
NOT_KEPT = {"csrfmiddlewaretoken"}
EDITOR_MARK_COOKIE = "remiss_redaktor"
EDITOR_MARK_SALT = "remiss.kept_forms.editor_mark"
EDITOR_MARK_HOURS = 12
# Twelve sections of 100,000 characters would not fit; a real statement is a few tens of
# thousands. 1,000,000 characters is a few MB in the session table at most.
MAX_KEPT_CHARACTERS = 1_000_000


def keep_form_through_login(view):
    """Like login_required, but a POST from a logged-out editor is kept, not dropped."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            response.set_signed_cookie(
                EDITOR_MARK_COOKIE,
                str(request.user.pk),
                salt=EDITOR_MARK_SALT,
                max_age=EDITOR_MARK_HOURS * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
        if request.method == "POST":
            _keep(request)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _keep(request: HttpRequest) -> None:
    editor = request.get_signed_cookie(
        EDITOR_MARK_COOKIE,
        default=None,
        salt=EDITOR_MARK_SALT,
        max_age=EDITOR_MARK_HOURS * 3600,
    )
    if editor is None:  # no editor session ever on this browser: nothing is kept
        return
    data = {k: v for k, v in request.POST.lists() if k not in NOT_KEPT}
    size = sum(len(key) + sum(len(value) for value in values) for key, values in data.items())
    if size > MAX_KEPT_CHARACTERS:
        messages.error(
            request,
            "Du loggades ut innan texten sparades, och formuläret var för stort för att sparas "
            "över inloggningen. Gå tillbaka i webbläsaren för att hämta texten.",
        )
        return
    request.session[SESSION_KEY] = {"path": request.path, "user": editor, "data": data}


def pop_kept_form(request: HttpRequest) -> QueryDict | None:
    """The form kept for this page by this person, if any, as POST-like data (removed from
    the session either way)."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if kept.get("user") != str(request.user.pk):  # someone else's text: never shown
        return None
    return as_querydict(kept["data"])


def as_querydict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, list(values))
    return result
