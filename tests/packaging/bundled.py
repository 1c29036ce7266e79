"""Helpers for tests that run the built bundle: build it (cached), and run a command with
no Python reachable at all (a private mount namespace hides every interpreter, the
virtualenv and pyenv; `env -i` leaves only what the test gives)."""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.packaging.releases import PASSPHRASE, ROOT, KeySet

DIST = ROOT / "packaging" / "dist.py"


@dataclass(frozen=True)
class Dist:
    bundle: Path  # the signed bundle folder
    release: Path  # the signed release folder (tar.gz, deb, keys/)


def build_dist(out: Path, keys: KeySet, trust: Path) -> Dist:
    """`packaging/dist.py all` signed by keys a and b of the test root (bundle from cache)."""
    env = dict(os.environ, ENLACE_SIGNING_PASSPHRASE=PASSPHRASE)
    res = subprocess.run([sys.executable, str(DIST), "all", "--out", str(out), "--trust",
                          str(trust), "--key", str(keys.key_file("a")), "--key",
                          str(keys.key_file("b"))], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=3000)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    releases = [p for p in out.iterdir() if p.name.startswith("enlace-")]
    assert len(releases) == 1
    return Dist(out / "bundle" / "enlace", releases[0])


def _hidden_pythons() -> tuple[list[str], list[str]]:
    folders = ["/usr/lib/python3", *glob.glob("/usr/lib/python3.*"),
               *glob.glob("/usr/local/lib/python3.*"), str(Path.home() / ".pyenv"),
               sys.prefix, sys.base_prefix, str(ROOT / ".venv")]
    files = [*glob.glob("/usr/bin/python3*"), *glob.glob("/usr/local/bin/python3*"),
             *glob.glob("/usr/lib/x86_64-linux-gnu/libpython3*")]
    folders = sorted({os.path.realpath(f) for f in folders if os.path.isdir(f)})
    # a folder inside another hidden one disappears with it (and could not be mounted on)
    folders = [f for f in folders if not any(f.startswith(o + "/") for o in folders)]
    files = sorted({f for f in files if os.path.isfile(f) and not os.path.islink(f)
                    and not any(f.startswith(o + "/") for o in folders)})
    return folders, files


def namespaces_work() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "true"], capture_output=True).returncode == 0


def without_python(cmd: list[str], env: dict[str, str]) -> list[str]:
    """`cmd` under `env -i` with only `env`, in a mount namespace where no Python exists.
    The namespace first proves python3 cannot start (exit 97 if it still can)."""
    folders, files = _hidden_pythons()
    steps = [f"mount -t tmpfs none {shlex.quote(f)}" for f in folders]
    steps += [f"mount --bind /dev/null {shlex.quote(f)}" for f in files]
    steps.append("if python3 -c pass 2>/dev/null; then echo 'python still runs' >&2; exit 97; fi")
    steps.append("exec env -i " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
                 + " " + shlex.join(cmd))
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", " && ".join(steps)]


def run_clean(cmd: list[str], env: dict[str, str], stdin: str | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the bundle as a laptop would: clean environment, no Python anywhere."""
    full = without_python(cmd, env) if namespaces_work() else ["env", "-i", *[
        f"{k}={v}" for k, v in env.items()], *cmd]
    return subprocess.run(full, capture_output=True, text=True, input=stdin, timeout=timeout)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A fresh HOME and nothing else, plus Chromium's --no-sandbox when the test runs as
    root (tests only: the app never turns the sandbox off itself)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox"
    env.update(extra)
    return env
