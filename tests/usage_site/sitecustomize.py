"""Loaded by child Python processes of the test suite (``PYTHONPATH`` names this folder): records
which of Whisper, spaCy or a browser the child used into ``$CASENOTE_TEST_USAGE``, one word a line,
so ``tests/resource_markers.py`` can hold the parent test to the right markers."""
import os

if os.environ.get("CASENOTE_TEST_USAGE"):
    from usage_hooks import install

    _log, _written = os.environ["CASENOTE_TEST_USAGE"], set()

    def _record(resource: str) -> None:
        if resource not in _written:
            _written.add(resource)
            with open(_log, "a", encoding="utf-8") as f:
                f.write(resource + "\n")

    install(_record)
