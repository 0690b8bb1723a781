"""The app's own error pages: 403, 404, 405, 500 (and any other HTTP error) in its layout,
with the reason in plain words and a way back, instead of the framework's bare defaults."""

from flask import Flask, render_template, request
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException, InternalServerError

from app.params import is_replay

# What each error means to the person who met it; the handler adds the view's own message.
TITLES = {
    400: "That request could not be read",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That page cannot be opened this way",
    409: "That was already saved differently",
    413: "That file is too large",
    422: "That could not be saved",
    429: "Too many tries",
    500: "Something went wrong on our side",
}
EXPLANATIONS = {
    403: "Your role does not include this page. If you think it should, ask your admin.",
    404: "The address may be mistyped, or the page may have moved or been removed.",
    405: "This address only takes a form's answer. Go back to the page and send the form again.",
    500: "The problem has been logged. Please try again in a moment.",
}


def _page(error: HTTPException):
    """The error drawn in the app's layout; JSON for the offline queue and API clients."""
    code = error.code or 500
    # A view's own message (abort(400, "...")) is worth more than the generic one.
    own = error.description if error.description != type(error).description else None
    explanation = own or EXPLANATIONS.get(code) or error.description
    if is_replay() or request.accept_mimetypes.best == "application/json":
        return {"error": explanation}, code, _headers(error)
    context = dict(code=code, title=TITLES.get(code, error.name), explanation=explanation)
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        # An htmx request for part of a page gets the message alone, not a second layout.
        return render_block("errors/error.html", "content", **context), code, _headers(error)
    return render_template("errors/error.html", **context), code, _headers(error)


def _headers(error: HTTPException) -> list:
    """Headers the error carries (Allow on a 405, Retry-After on a 429)."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def handle_http_error(error: HTTPException):
    """Any HTTP error a view or Flask raises, unless it already carries its own response."""
    if error.response is not None:
        return error.response
    return _page(error)


def handle_unexpected(error: Exception):
    """An unexpected exception: logged by Flask, shown as the app's own 500 page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    return _page(InternalServerError())


def keep_the_form_page_address(response):
    """A boosted form post answered with a page (a form error, not a redirect) leaves the
    address bar at the form's page: the address it was posted to may take only posts, and
    reloading it would show "Method Not Allowed" instead of the form."""
    if (
        request.method != "GET"
        and request.headers.get("HX-Boosted")
        and not 300 <= response.status_code < 400
        and "HX-Push-Url" not in response.headers
    ):
        response.headers["HX-Push-Url"] = "false"
    return response


def init_app(app: Flask) -> None:
    app.after_request(keep_the_form_page_address)
    app.register_error_handler(HTTPException, handle_http_error)
    # In debug and testing, let exceptions reach the debugger and the tests.
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
