"""Run commands against a data folder on a full or read-only disk: a private mount
namespace (`unshare --mount`, as root, or inside a user namespace otherwise) holds a small
tmpfs that is filled to the last byte or remounted read-only. Nothing outside the
namespace is mounted, so a killed test leaves no mount behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

_INSIDE = r'''
import hashlib, json, os, shutil, subprocess, sys
spec = json.loads(sys.argv[1])
mnt = spec["mount"]
os.makedirs(mnt, exist_ok=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk" % spec["size_kib"], "tmpfs", mnt],
               check=True)
data = os.path.join(mnt, "data")
shutil.copytree(spec["folder"], data)
if spec["disk"] == "full":
    fd = os.open(os.path.join(mnt, "fill"), os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        os.close(fd)
else:
    subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
def digest():
    return hashlib.sha256(open(os.path.join(data, "enlace.db"), "rb").read()).hexdigest()
out = {"before": digest(), "runs": []}
for argv in spec["commands"]:
    argv = [a.replace("{data}", data) for a in argv]
    p = subprocess.run(argv, capture_output=True, text=True, cwd=spec["cwd"], timeout=180)
    out["runs"].append({"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr})
out["after"] = digest()
out["files"] = sorted(os.listdir(data))
print(json.dumps(out))
'''


def _unshare() -> list[str]:
    if not shutil.which("unshare") or not shutil.which("mount"):
        pytest.skip("unshare/mount missing (util-linux)")
    if os.geteuid() == 0:
        return ["unshare", "--mount", "--propagation", "private"]
    return ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]


def run_on_bad_disk(folder: Path, disk: str, commands: list[list[str]],
                    tmp: Path) -> dict[str, Any]:
    """Copy `folder` onto a `disk` ("full" or "read_only") and run `commands` there
    ("{data}" in an argument is the copied folder). Returns each run's rc/stdout/stderr,
    the database digest before and after, and the folder's files."""
    size = sum(p.stat().st_size for p in folder.iterdir()) // 1024 + 512
    spec = {"mount": str(tmp / "mnt"), "size_kib": size, "folder": str(folder), "disk": disk,
            "commands": commands, "cwd": str(ROOT)}
    proc = subprocess.run([*_unshare(), sys.executable, "-c", _INSIDE, json.dumps(spec)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "mount" in proc.stderr and not os.environ.get("CI"):
        pytest.skip(f"no private mounts here: {proc.stderr.strip()[-300:]}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])
