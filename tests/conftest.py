"""Process-wide test settings: Qt offscreen, Chromium sandbox off only for root CI, and
default data folders of the client and the server inside a temporary folder, so no test
reads or writes the user's real ones (a server command run without --database would
otherwise open, and migrate, the server database of whoever runs the tests)."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ENLACE_TESTING", "1")
# No test may read or write the user's real data folders (client or server): a test
# that forgets --data-dir/--database lands in this throwaway folder instead.
_DEFAULT_DATA = tempfile.mkdtemp(prefix="enlace-tests-")
atexit.register(shutil.rmtree, _DEFAULT_DATA, True)
os.environ["FIELDSYNC_DATA_DIR"] = os.path.join(_DEFAULT_DATA, "server")
os.environ["ENLACE_DATA_DIR"] = os.path.join(_DEFAULT_DATA, "client")
# Stores made by tests are wrapped by this passphrase (the keyring tests take it out of
# their environment to exercise the keyring route), at Argon2's floor cost: hundreds of
# stores are opened, each unwrapping its key.
os.environ["ENLACE_STORE_PASSPHRASE"] = "tests-passphrase-long-enough"
os.environ["ENLACE_KDF_MEMORY_KIB"] = "19456"
os.environ["ENLACE_KDF_TIME_COST"] = "2"
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run as root with its sandbox; tests and CI only.
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
