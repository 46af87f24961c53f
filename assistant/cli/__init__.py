"""Command-line interface. Each module below registers its commands on the shared group."""
from assistant.cli.base import cli

# Registration by import; one module per area, each owned by its package's work.
from assistant.cli import transcribe_cmd  # noqa: F401,E402
from assistant.cli import eval_cmd  # noqa: F401,E402
from assistant.cli import ui_cmd  # noqa: F401,E402
from assistant.cli import store_cmd  # noqa: F401,E402
from assistant.cli import redact_cmd  # noqa: F401,E402
from assistant.cli import speaker_cmd  # noqa: F401,E402
from assistant.cli import extract_cmd  # noqa: F401,E402

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="casenote")
