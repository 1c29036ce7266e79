"""`enlace verify-release DIR` and `enlace provision PROFILE` (fieldclient.cli plug-in).

    enlace verify-release DIR [--root FILE|DIR] [--channel C] [--installed VERSION|DIR]
    enlace provision PROFILE [--trust-key KEY.pub] [--username U] [--device-name N]
    enlace site-profile                                      show the active profile

In a built bundle the trusted root, the channel and the installed version default to the
bundle's own (`trust/`, release.json beside the executable). verify-release exits 0 when
the release is accepted, else with one of fieldclient.trust.release.REFUSALS; provision
exits 0, 2 (bad input) or 30+ (profile refused, fieldclient.trust.profile).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldclient.core.i18n import QT_TRANSLATE_NOOP, translate
from fieldclient.trust import release
from fieldclient.trust.root import TRUST_DIR, RootError, bundle_dir, pinned_root

EXIT_USAGE = 2
NEED_ROOT = QT_TRANSLATE_NOOP(
    "release", "verify-release: give --root (the trusted root metadata); only a built bundle "
    "has its own.")
ROOT_UNUSABLE = QT_TRANSLATE_NOOP("release", "The trusted root cannot be used: {why}")
WARNING = QT_TRANSLATE_NOOP("release", "warning:")
REFUSED = QT_TRANSLATE_NOOP("release", "RELEASE REFUSED ({reason}, exit code {code})")
ACCEPTED = QT_TRANSLATE_NOOP(
    "release", "release ok: {product} {version} ({channel}, commit {commit}), expires "
    "{expires}; signed by {signers} ({count} signatures, {needed} needed); {files} files match")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify-release", help="check a signed release folder (k of n signatures, every file)",
        epilog="Exit codes: 0 accepted; " + "; ".join(
            f"{c} {t}" for c, t in sorted(release.REFUSALS.items())),
    )
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--root", metavar="FILE|DIR",
                   help="trusted root metadata (default: this build's own trust/ folder)")
    p.add_argument("--channel", help="channel this laptop follows (default: this build's)")
    p.add_argument("--installed", metavar="VERSION|DIR",
                   help="installed release; an older release is refused (default: this build)")
    # fieldclient.cli calls every handler as (args, store_opener); a release needs no store
    p.set_defaults(func=lambda args, _store_opener=None: cmd_verify_release(args))

    from fieldclient.trust import profile_cli

    profile_cli.register(subparsers)


def language(args: argparse.Namespace) -> str | None:
    lang = getattr(args, "lang", None)
    if lang:
        return str(lang)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return None


def translator(args: argparse.Namespace) -> Callable[[str, str], str]:
    lang = language(args)
    return lambda context, text: translate(context, text, lang)


def cmd_verify_release(args: argparse.Namespace) -> int:
    say = translator(args)
    own = bundle_dir()
    root_path = Path(args.root) if args.root else (own / TRUST_DIR if own else None)
    if root_path is None:
        print(say(release.CONTEXT, NEED_ROOT), file=sys.stderr)
        return EXIT_USAGE
    try:
        pinned = pinned_root(root_path)
    except RootError as exc:
        print(say(release.CONTEXT, ROOT_UNUSABLE).format(why=exc),
              file=sys.stderr)
        return release.ROOT_REFUSED
    channel, installed = args.channel, args.installed
    if own is not None:
        mine = _own_metadata(own)
        channel = channel or (mine.channel if mine else None)
        installed = installed or (mine.version if mine else None)
    try:
        have = release.installed_version(installed) if installed else None
    except ValueError as exc:
        print(f"verify-release: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = release.verify(Path(args.folder), pinned, channel=channel, installed=have)
    for w in out.warnings:
        print(say(release.CONTEXT, WARNING) + " " + w.text(say), file=sys.stderr)
    if out.problems:
        for p in out.problems:
            print(p.text(say), file=sys.stderr)
        print(say(release.CONTEXT, REFUSED).format(
            reason=release.REFUSALS[out.code], code=out.code), file=sys.stderr)
        return out.code
    meta = out.metadata
    assert meta is not None and out.root is not None
    print(say(release.CONTEXT, ACCEPTED).format(
        product=meta.product, version=meta.version, channel=meta.channel,
        commit=meta.commit[:12], expires=release.format_time(meta.expires),
        signers=", ".join(out.signers), count=len(out.signers), needed=out.root.threshold,
        files=out.files))
    return 0


def _own_metadata(folder: Path) -> release.Metadata | None:
    try:
        return release.Metadata.parse((folder / release.RELEASE_FILE).read_bytes())
    except (OSError, ValueError):
        return None
