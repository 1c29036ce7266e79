"""The operator's log of the desktop client: `enlace.log` in the data folder.

Support staff ask for this file; it holds what failed and why (never tokens or
passwords). Headless commands report on stderr instead and do not call this.
"""

from __future__ import annotations

import logging
import os
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
    path = data_dir / FILE_NAME
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # readable by this user only, like the rest of the folder, whatever the umask
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        if os.name == "posix":
            os.chmod(path, 0o600)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:  # a read-only folder: stderr still has everything
        return
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    # Migration plumbing is noise in an operator's log unless something goes wrong.
    logging.getLogger("alembic").setLevel(logging.WARNING)
