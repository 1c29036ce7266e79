"""The operator's log of the desktop client: `enlace.log` in the data folder.

Support staff ask for this file; it holds what failed and why (never tokens or
passwords). Headless commands report on stderr instead and do not call this.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FILE_NAME = "enlace.log"


def setup_logging(data_dir: Path) -> None:
    """Log INFO and up to stderr and to `<data_dir>/enlace.log` (once per process; an
    embedding application that configured logging itself is left alone)."""
    root = logging.getLogger()
    if root.handlers:
        return
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(data_dir / FILE_NAME, encoding="utf-8")
    except OSError:  # a read-only folder: stderr still has everything
        return
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    # Migration plumbing is noise in an operator's log unless something goes wrong.
    logging.getLogger("alembic").setLevel(logging.WARNING)
