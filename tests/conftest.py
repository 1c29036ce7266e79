"""Process-wide test settings: Qt offscreen, Chromium sandbox off only for root CI."""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ENLACE_TESTING", "1")
# No test may read or write the user's real data folders (client or server): a test
# that forgets --data-dir/--database lands in this throwaway folder instead.
_SCRATCH = tempfile.mkdtemp(prefix="enlace-tests-")
os.environ["ENLACE_DATA_DIR"] = os.path.join(_SCRATCH, "client")
os.environ["FIELDSYNC_DATA_DIR"] = os.path.join(_SCRATCH, "server")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run as root with its sandbox; tests and CI only.
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
