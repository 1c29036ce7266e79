"""Fixtures for the at-rest screens (issue 14): a real fieldsync process and in-process
laptops (replication's), the window's translations and look (ui's)."""

from tests.replication.conftest import make_client, server  # noqa: F401
from tests.ui.conftest import (  # noqa: F401
    _plain_look_after_test,
    compiled_translations,
    translations,
)
