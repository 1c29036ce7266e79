"""`make dist`: the bundle, its .tar.gz and .deb, and the signed release folder for the USB stick.

    python3 packaging/dist.py all [--out dist] [--channel C] [--trust DIR --key K.key ...]
    python3 packaging/dist.py bundle              build or reuse the unsigned bundle; print its path
    python3 packaging/dist.py diff                build twice, compare (`make dist-diff`)
    python3 packaging/dist.py lock                regenerate requirements-build.lock (uv)

`all` writes:
    dist/bundle/enlace/                signed bundle (release.json, trust/, SHA256SUMS, *.minisig)
    dist/enlace-<version>/             the release folder to copy onto a USB stick:
        enlace-<version>-linux-x86_64.tar.gz, enlace_<version>_amd64.deb, keys/*.pub,
        release.json, trust/, SHA256SUMS, SHA256SUMS.<KEY ID>.minisig

Signing: with --trust (a folder of signed root-N.json) and k --key files, the release is
signed by those keys (passphrases from ENLACE_SIGNING_PASSPHRASE or a prompt). Without
them a throwaway 2-of-3 key set is made in memory for channel `dev`: the build verifies
like a real one, but no laptop that trusts the real keys will accept it.
SOURCE_DATE_EPOCH (default: the time of the last commit) fixes every time stamp.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import bundle as bundle_mod  # noqa: E402
from archive import write_tar_gz  # noqa: E402
from debian import build_deb  # noqa: E402

from fieldclient.trust import minisign, sign  # noqa: E402
from fieldclient.trust.root import pinned_root, root_document  # noqa: E402

EXPIRES_DAYS = 180


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def _git(*args: str) -> str:
    res = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else ""


def commit() -> str:
    head = _git("rev-parse", "HEAD") or "unknown"
    return head + ("-dirty" if _git("status", "--porcelain", "--untracked-files=no") else "")


def source_date_epoch() -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env:
        return int(env)
    return int(_git("log", "-1", "--format=%ct") or "1764400000")


def dev_keys(folder: Path) -> tuple[Path, list[minisign.SecretKey]]:
    """A throwaway 2-of-3 root for channel `dev`, its secret keys kept in memory only."""
    keys = [minisign.SecretKey.generate() for _ in range(3)]
    trust = folder / "dev-trust"
    shutil.rmtree(trust, ignore_errors=True)
    trust.mkdir(parents=True)
    raw = root_document(1, 2, [(f"dev key {i + 1}", k.public()) for i, k in enumerate(keys)])
    (trust / "root-1.json").write_bytes(raw)
    for k in keys[:2]:
        sign.sign_file(trust / "root-1.json", k)
    return trust, keys[:2]


def stage_bundle(src: Path, dest: Path) -> Path:
    """A copy of the built bundle with normalised modes, ready to become a release."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, symlinks=True)
    # QtWebEngine creates this (empty) folder at run time when it can write there (root):
    # shipped, it belongs to the package and `apt purge` leaves no trace of the install.
    chromium = dest / "_internal" / "PySide6" / "Qt" / "resources"
    if chromium.is_dir():
        (chromium / "locales").mkdir(exist_ok=True)
    for path in [dest, *dest.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o111 else 0o644)
    return dest


def make_release(folder: Path, trust: Path, keys: list[minisign.SecretKey], channel: str,
                 epoch: int, expires_days: int = EXPIRES_DAYS) -> None:
    """release.json, trust/, SHA256SUMS and one signature per key in `folder`."""
    from signing import prepare

    created = datetime.fromtimestamp(epoch, UTC)
    prepare(folder, trust, version(), channel, commit(), created,
            created + timedelta(days=expires_days))
    for key in keys:
        sign.sign_release(folder, key)
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def build_all(out: Path, channel: str, trust: Path | None, key_files: list[Path],
              expires_days: int = EXPIRES_DAYS) -> Path:
    epoch = source_date_epoch()
    built = bundle_mod.build()
    out.mkdir(parents=True, exist_ok=True)
    if trust is None:
        trust, keys = dev_keys(out)
        channel = "dev" if channel == "stable" else channel
        print(f"[dist] no --trust/--key: signing with a throwaway key set (channel {channel})",
              file=sys.stderr)
    else:
        from signing import load_secret

        keys = [load_secret(k) for k in key_files]
    root = pinned_root(trust)
    ver = version()
    staged = stage_bundle(built, out / "bundle" / "enlace")
    make_release(staged, trust, keys, channel, epoch, expires_days)
    release = out / f"enlace-{ver}"
    if release.exists():
        shutil.rmtree(release)
    release.mkdir()
    write_tar_gz(staged, release / f"enlace-{ver}-linux-{bundle_mod.machine()}.tar.gz",
                 f"enlace-{ver}", epoch)
    build_deb(staged, ROOT / "resources" / "icons" / "enlace.svg", ver, release, epoch)
    (release / "keys").mkdir()
    for key in root.keys.values():
        (release / "keys" / f"{key.id}.pub").write_text(
            key.public.text(f"Enlace release key of {key.name} ({key.id})"), encoding="utf-8")
    make_release(release, trust, keys, channel, epoch, expires_days)
    print(f"[dist] {release}: signed by {len(keys)} key(s) of {len(root.keys)} "
          f"(threshold {root.threshold})", file=sys.stderr)
    return release


def lock() -> None:
    tools = bundle_mod.cache_root() / "uv-tool"
    if not (tools / "bin" / "uv").exists():
        subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
        subprocess.run([str(tools / "bin" / "pip"), "install", "-q", "uv"], check=True)
    subprocess.run([str(tools / "bin" / "uv"), "pip", "compile", "pyproject.toml",
                    "--extra", "build", "-c", "packaging/lock-constraints.txt",
                    "--generate-hashes", "--python-version", "3.11",
                    "--python-platform", "x86_64-manylinux_2_36",
                    "--custom-compile-command", "make dist-lock",
                    "-o", str(bundle_mod.LOCK)], check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("all")
    p.add_argument("--out", type=Path, default=ROOT / "dist")
    p.add_argument("--channel", default="stable")
    p.add_argument("--trust", type=Path, help="folder of signed root-N.json")
    p.add_argument("--key", type=Path, action="append", default=[])
    p.add_argument("--expires-days", type=int, default=EXPIRES_DAYS)
    p = sub.add_parser("bundle")
    p.add_argument("--no-cache", action="store_true")
    sub.add_parser("diff")
    sub.add_parser("lock")
    args = ap.parse_args(argv)
    if args.cmd == "all":
        if bool(args.trust) != bool(args.key):
            ap.error("--trust and --key go together")
        build_all(args.out, args.channel, args.trust, args.key, args.expires_days)
    elif args.cmd == "bundle":
        print(bundle_mod.build(use_cache=not args.no_cache))
    elif args.cmd == "diff":
        from repro import main as diff_main

        return diff_main()
    else:
        lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
