"""Qt widgets, models and dialogs of the desktop client."""

from fieldclient.ui import qtcompat as _qtcompat  # noqa: F401 - process-wide PySide fix
