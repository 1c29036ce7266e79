"""The window's fixtures (tests/ui/conftest.py) for the SITREP's window test."""

from tests.ui.conftest import (  # noqa: F401 - fixtures, found by pytest through this import
    compiled_translations,
    demo_store,
    demo_template,
    sync_tasks,
    translations,
)
