"""Release keys, root metadata, signed releases and site profiles (release managers, site IT).

Every signature is a minisign signature (Debian's `minisign -V` checks it) made with an
Ed25519 key whose secret half is a passphrase-encrypted minisign key file. The format and
the verifier live in the app (fieldclient/trust) so an installed laptop checks releases
with the same code (`enlace verify-release`).

    signing.py keygen --out DIR --name "Ana López"      DIR/<ID>.key (secret) + DIR/<ID>.pub
    signing.py root-init --out TRUST --threshold 2 --key "Ana=ana.pub" --key "Luis=luis.pub" ...
                         [--deployment-key "TI Jalisco=ti.pub"]
    signing.py root-rotate TRUST [--add "Eva=eva.pub"] [--remove ID] [--threshold K]
                         [--add-deployment NAME=PUB] [--remove-deployment ID]
    signing.py root-sign TRUST/root-N.json --key ana.key [--key luis.key]
    signing.py prepare DIR --trust TRUST --version V --channel C --commit SHA
                         [--created ISO] [--expires-days N]  release.json, trust/, SHA256SUMS
    signing.py sign DIR --key ana.key [--key luis.key]     SHA256SUMS.<ID>.minisig each
    signing.py verify DIR --root TRUST|ROOT.json [--channel C] [--installed VERSION|DIR]
    signing.py profile-sign PROFILE.json --key ti.key      PROFILE.json.minisig

The passphrase comes from ENLACE_SIGNING_PASSPHRASE when set (automation), else from a
prompt per key. keygen refuses to write inside a git work tree: secret keys never go into
the repository. `verify` exits like `enlace verify-release` (0, or 10-23 per refusal).
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fieldclient.trust import minisign, sign  # noqa: E402
from fieldclient.trust.release import metadata_document  # noqa: E402
from fieldclient.trust.root import (  # noqa: E402
    TRUST_DIR,
    Root,
    RootError,
    load_chain,
    pinned_root,
    root_document,
    root_file_name,
)

PASS_ENV = "ENLACE_SIGNING_PASSPHRASE"
KDF = {"sensitive": minisign.KDF_SENSITIVE, "interactive": minisign.KDF_INTERACTIVE}


class Refused(Exception):
    """A step that must not go ahead; the message says why."""


def inside_git_tree(path: Path) -> Path | None:
    for folder in [path.resolve(), *path.resolve().parents]:
        if (folder / ".git").exists():
            return folder
    return None


def passphrase(what: str, confirm: bool = False) -> str:
    env = os.environ.get(PASS_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise Refused(f"no passphrase for {what}: set {PASS_ENV} or run on a terminal")
    first = getpass.getpass(f"Passphrase for {what}: ")
    if confirm and getpass.getpass("Again: ") != first:
        raise Refused("the two passphrases differ")
    if not first:
        raise Refused("an empty passphrase is refused: secret keys are always encrypted")
    return first


def load_secret(path: Path) -> minisign.SecretKey:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror}") from None
    try:
        return minisign.SecretKey.parse(text, passphrase(str(path)))
    except minisign.MinisignError as exc:
        raise Refused(f"{path}: {exc}") from None


def load_public(spec: str) -> tuple[str, minisign.PublicKey]:
    """NAME=FILE.pub (or just FILE.pub, named by its key id)."""
    name, _, file = spec.rpartition("=")
    try:
        key = minisign.PublicKey.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, minisign.MinisignError) as exc:
        raise Refused(f"{file}: {exc}") from None
    return (name or key.id), key


def keygen(out: Path, name: str, kdf: str) -> tuple[Path, Path]:
    repo = inside_git_tree(out)
    if repo is not None:
        raise Refused(f"{out} is inside the git work tree {repo}; keep secret keys out of "
                      "every repository (e.g. on the release manager's encrypted USB key)")
    secret = minisign.SecretKey.generate()
    out.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = out / f"{secret.id}.key", out / f"{secret.id}.pub"
    text = secret.text(passphrase(f"the new key of {name}", confirm=True), KDF[kdf],
                       f"Enlace release key of {name} ({secret.id}), encrypted")
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    pub_path.write_text(secret.public().text(f"Enlace key of {name} ({secret.id})"),
                        encoding="utf-8")
    return key_path, pub_path


def root_init(out: Path, threshold: int, keys: list[str], deploy: list[str]) -> Path:
    if load_chain(out):
        raise Refused(f"{out} already holds a root; use root-rotate")
    raw = root_document(1, threshold, [load_public(k) for k in keys],
                        [load_public(k) for k in deploy])
    out.mkdir(parents=True, exist_ok=True)
    path = out / root_file_name(1)
    path.write_bytes(raw)
    return path


def root_rotate(trust: Path, add: list[str], remove: list[str], threshold: int | None,
                add_deploy: list[str], remove_deploy: list[str]) -> Path:
    """Write the next root: the newest one with keys added/removed. Sign it with k keys of
    the current root and k of the new one before shipping it."""
    chain = load_chain(trust)
    if not chain:
        raise Refused(f"{trust} holds no root to rotate")
    current = Root.parse(chain[max(chain)].read_bytes())
    keys = [(k.name, k.public) for k in current.keys.values() if k.id not in remove]
    keys += [load_public(k) for k in add]
    deploy = [(k.name, k.public) for k in current.deployment_keys.values()
              if k.id not in remove_deploy]
    deploy += [load_public(k) for k in add_deploy]
    unknown = set(remove) - set(current.keys)
    if unknown:
        raise Refused(f"no key {', '.join(sorted(unknown))} in root-{current.version}")
    want = threshold or min(current.threshold, len(keys))
    try:
        raw = root_document(current.version + 1, want, keys, deploy, current.product)
    except RootError as exc:
        raise Refused(str(exc)) from None
    path = trust / root_file_name(current.version + 1)
    path.write_bytes(raw)
    return path


def prepare(folder: Path, trust: Path, version: str, channel: str, commit: str,
            created: datetime, expires: datetime) -> None:
    """Make `folder` a release: the trust chain, release.json and SHA256SUMS (unsigned)."""
    try:
        pinned_root(trust)  # refuses an unsigned or broken chain before it ships
    except RootError as exc:
        raise Refused(f"{trust}: {exc}") from None
    target = folder / TRUST_DIR
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for p in sorted(trust.iterdir()):
        if p.name.startswith("root-") and p.is_file():
            shutil.copyfile(p, target / p.name)
    (folder / "release.json").write_bytes(
        metadata_document("enlace", version, channel, commit, created, expires))
    sign.write_sums(folder)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("keygen")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--kdf", choices=sorted(KDF), default="sensitive",
                   help="scrypt cost; 'interactive' only for throwaway test keys")
    p = sub.add_parser("root-init")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--threshold", type=int, required=True)
    p.add_argument("--key", action="append", required=True, metavar="NAME=PUB")
    p.add_argument("--deployment-key", action="append", default=[], metavar="NAME=PUB")
    p = sub.add_parser("root-rotate")
    p.add_argument("trust", type=Path)
    p.add_argument("--add", action="append", default=[], metavar="NAME=PUB")
    p.add_argument("--remove", action="append", default=[], metavar="KEY_ID")
    p.add_argument("--threshold", type=int)
    p.add_argument("--add-deployment", action="append", default=[], metavar="NAME=PUB")
    p.add_argument("--remove-deployment", action="append", default=[], metavar="KEY_ID")
    p = sub.add_parser("root-sign")
    p.add_argument("file", type=Path)
    p.add_argument("--key", action="append", required=True, type=Path)
    p = sub.add_parser("prepare")
    p.add_argument("folder", type=Path)
    p.add_argument("--trust", type=Path, required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--channel", required=True)
    p.add_argument("--commit", required=True)
    p.add_argument("--created", help="ISO time (default: SOURCE_DATE_EPOCH, else now)")
    p.add_argument("--expires-days", type=int, default=180)
    p = sub.add_parser("sign")
    p.add_argument("folder", type=Path)
    p.add_argument("--key", action="append", required=True, type=Path)
    p = sub.add_parser("verify")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--root", required=True, metavar="FILE|DIR")
    p.add_argument("--channel")
    p.add_argument("--installed", metavar="VERSION|DIR")
    p = sub.add_parser("profile-sign")
    p.add_argument("profile", type=Path)
    p.add_argument("--key", required=True, type=Path)
    args = ap.parse_args(argv)
    try:
        return _run(args)
    except Refused as exc:
        print(f"signing.py {args.cmd}: {exc}", file=sys.stderr)
        return 2


def created_time(text: str | None) -> datetime:
    from fieldclient.trust.release import parse_time

    if text:
        return parse_time(text)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC).replace(
        microsecond=0)


def _run(args: argparse.Namespace) -> int:
    if args.cmd == "keygen":
        key, pub = keygen(args.out, args.name, args.kdf)
        print(f"secret key {key} (passphrase-encrypted; keep it off every repository)")
        print(f"public key {pub}: key id {pub.stem}")
    elif args.cmd == "root-init":
        print(f"wrote {root_init(args.out, args.threshold, args.key, args.deployment_key)}; "
              "now sign it with root-sign (k of its keys)")
    elif args.cmd == "root-rotate":
        path = root_rotate(args.trust, args.add, args.remove, args.threshold,
                           args.add_deployment, args.remove_deployment)
        print(f"wrote {path}; sign it with k keys of the previous root and k of its own")
    elif args.cmd == "root-sign":
        for k in args.key:
            print(f"wrote {sign.sign_file(args.file, load_secret(k))}")
    elif args.cmd == "prepare":
        created = created_time(args.created)
        prepare(args.folder, args.trust, args.version, args.channel, args.commit, created,
                created + timedelta(days=args.expires_days))
        print(f"prepared {args.folder}: release.json, trust/, SHA256SUMS; now sign it")
    elif args.cmd == "sign":
        for k in args.key:
            try:
                print(f"wrote {sign.sign_release(args.folder, load_secret(k))}")
            except ValueError as exc:
                raise Refused(str(exc)) from None
    elif args.cmd == "verify":
        from fieldclient.trust.cli import cmd_verify_release

        return cmd_verify_release(args)
    elif args.cmd == "profile-sign":
        key = load_secret(args.key)
        target = args.profile.with_name(args.profile.name + ".minisig")
        target.write_text(key.sign(args.profile.read_bytes(), f"site profile {args.profile.name}",
                                   f"Enlace site profile signature, key {key.id}"),
                          encoding="utf-8")
        print(f"wrote {target} (key {key.id})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
