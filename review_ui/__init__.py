"""The review screen (see docs/ARCHITECTURE.md): Gradio app, sign-in, keyboard review.

``build_app()`` and ``serve(port)`` load the web stack on first use, so ``review_ui.auth`` (used by
``casenote users add``) stays quick to import.

Stable element ids for browser tests: ``login-name``, ``login-password``, ``login-submit``,
``login-message`` (the sign-in form of ``review_ui.boundary``), ``logout``, ``note-picker``,
``open-note``, ``transcript``, ``card-<field>``, ``accept-<field>``, ``edit-<field>``,
``edit-box-<field>``, ``save-edit-<field>``, ``save-note``, ``comment-text``, ``add-comment``,
``comments``, ``notice``, ``export-format``, ``export-full``, ``export-show``, ``export-text``,
``dictation-audio``, ``consent-ended``, ``consent-absent``, ``process-dictation``, ``figures``.
"""
__all__ = ["build_app", "serve"]


def __getattr__(name):
    if name == "build_app":
        from review_ui.app import build_app
        return build_app
    if name == "serve":
        from review_ui.server import serve
        return serve
    raise AttributeError(name)
