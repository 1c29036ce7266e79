"""minisign keys and signatures (jedisct1/minisign's format, as Debian's minisign 0.11 reads it).

Why our own reader/writer instead of py-minisign: every py-minisign release needs
cryptography >= 50 while the project pins cryptography < 47; the format is small and is
tested both ways against the real `minisign` binary (tests/packaging/test_minisign.py).

Formats (all integers little-endian, key ids shown as minisign shows them):
- public key: "untrusted comment: ..." then base64("Ed" + key_id[8] + ed25519_pk[32])
- secret key: base64("Ed" "Sc" "B2" + salt[32] + opslimit[8] + memlimit[8] +
  (key_id[8] + seed[32] + pk[32] + blake2b-256("Ed" + key_id + seed + pk)) XOR scrypt(pass))
- signature:  "untrusted comment: ..." / base64("ED" + key_id + ed25519(blake2b-512(data)))
  / "trusted comment: TEXT" / base64(ed25519(signature + TEXT)); the trusted comment is signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_PURE = b"Ed"  # legacy: the data itself is signed
ALG_HASHED = b"ED"  # default since minisign 0.8: BLAKE2b-512 of the data is signed
KDF_SCRYPT = b"Sc"
KDF_NONE = b"\x00\x00"
CHK_BLAKE2B = b"B2"
UNTRUSTED = "untrusted comment: "
TRUSTED = "trusted comment: "
# libsodium's crypto_pwhash_scryptsalsa208sha256 limits: what `minisign -G` uses, and a
# cheap setting for throwaway keys in tests.
KDF_SENSITIVE = (33_554_432, 1_073_741_824)
KDF_INTERACTIVE = (524_288, 16_777_216)


class MinisignError(ValueError):
    """A key or signature file that cannot be read, or a wrong passphrase."""


class BadSignature(MinisignError):
    """The signature does not match the data (or its trusted comment was edited)."""


def key_id_text(key_id: bytes) -> str:
    """The key id as minisign prints it (the 8 bytes as one little-endian number)."""
    return key_id[::-1].hex().upper()


def _b64(line: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(line.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MinisignError(f"{what}: not base64") from None
    if len(raw) != size:
        raise MinisignError(f"{what}: {len(raw)} bytes instead of {size}")
    return raw


def _lines(text: str) -> list[str]:
    return [ln.rstrip("\r") for ln in text.split("\n") if ln.strip()]


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    raw: bytes

    @property
    def id(self) -> str:
        return key_id_text(self.key_id)

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """From a .pub file's text or the bare base64 line (`minisign -P` style)."""
        lines = [ln for ln in _lines(text) if not ln.startswith(UNTRUSTED)]
        if len(lines) != 1:
            raise MinisignError("public key: expected one base64 line")
        raw = _b64(lines[0], 42, "public key")
        if raw[:2] != ALG_PURE:
            raise MinisignError("public key: not an Ed25519 minisign key")
        return cls(raw[2:10], raw[10:])

    def base64(self) -> str:
        return base64.b64encode(ALG_PURE + self.key_id + self.raw).decode()

    def text(self, comment: str | None = None) -> str:
        return f"{UNTRUSTED}{comment or 'minisign public key ' + self.id}\n{self.base64()}\n"

    def _ed(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes

    @property
    def id(self) -> str:
        return key_id_text(self.key_id)

    @classmethod
    def generate(cls) -> SecretKey:
        key = Ed25519PrivateKey.generate()
        seed = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls(os.urandom(8), seed)

    def public(self) -> PublicKey:
        pk = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return PublicKey(self.key_id, pk)

    def _keynum(self) -> bytes:
        pk = self.public().raw
        check = hashlib.blake2b(ALG_PURE + self.key_id + self.seed + pk, digest_size=32).digest()
        return self.key_id + self.seed + pk + check

    def text(self, passphrase: str, kdf: tuple[int, int] = KDF_SENSITIVE,
             comment: str = "minisign encrypted secret key") -> str:
        """The encrypted secret key file; an empty passphrase is refused (never plain text)."""
        if not passphrase:
            raise MinisignError("a passphrase is required to write a secret key")
        salt = os.urandom(32)
        ops, mem = kdf
        stream = _scrypt(passphrase, salt, ops, mem)
        body = bytes(a ^ b for a, b in zip(self._keynum(), stream, strict=True))
        raw = (ALG_PURE + KDF_SCRYPT + CHK_BLAKE2B + salt + ops.to_bytes(8, "little")
               + mem.to_bytes(8, "little") + body)
        return f"{UNTRUSTED}{comment}\n{base64.b64encode(raw).decode()}\n"

    @classmethod
    def parse(cls, text: str, passphrase: str | None) -> SecretKey:
        lines = [ln for ln in _lines(text) if not ln.startswith(UNTRUSTED)]
        if len(lines) != 1:
            raise MinisignError("secret key: expected one base64 line")
        raw = _b64(lines[0], 158, "secret key")
        alg, kdf, chk = raw[0:2], raw[2:4], raw[4:6]
        if alg != ALG_PURE or chk != CHK_BLAKE2B or kdf not in (KDF_SCRYPT, KDF_NONE):
            raise MinisignError("secret key: unknown algorithms")
        salt, body = raw[6:38], raw[54:158]
        if kdf == KDF_SCRYPT:
            if not passphrase:
                raise MinisignError("secret key: a passphrase is needed")
            ops = int.from_bytes(raw[38:46], "little")
            mem = int.from_bytes(raw[46:54], "little")
            stream = _scrypt(passphrase, salt, ops, mem)
            body = bytes(a ^ b for a, b in zip(body, stream, strict=True))
        key = cls(body[0:8], body[8:40])
        if not hmac.compare_digest(key._keynum(), body):
            raise MinisignError("secret key: wrong passphrase (or a damaged key file)")
        return key

    def sign(self, data: bytes, trusted_comment: str,
             untrusted_comment: str | None = None) -> str:
        """A prehashed ("ED") minisign signature of `data`, as the .minisig file text."""
        if "\n" in trusted_comment or "\r" in trusted_comment:
            raise MinisignError("a trusted comment is one line")
        ed = Ed25519PrivateKey.from_private_bytes(self.seed)
        sig = ed.sign(hashlib.blake2b(data, digest_size=64).digest())
        global_sig = ed.sign(sig + trusted_comment.encode())
        head = base64.b64encode(ALG_HASHED + self.key_id + sig).decode()
        return (f"{UNTRUSTED}{untrusted_comment or 'signature from minisign secret key'}\n"
                f"{head}\n{TRUSTED}{trusted_comment}\n"
                f"{base64.b64encode(global_sig).decode()}\n")


@dataclass(frozen=True)
class Signature:
    algorithm: bytes
    key_id: bytes
    sig: bytes
    trusted_comment: str
    global_sig: bytes

    @property
    def key(self) -> str:
        return key_id_text(self.key_id)

    @classmethod
    def parse(cls, text: str) -> Signature:
        lines = _lines(text)
        if len(lines) != 4 or not lines[0].startswith(UNTRUSTED) \
                or not lines[2].startswith(TRUSTED):
            raise MinisignError("signature: not a minisign signature file")
        head = _b64(lines[1], 74, "signature")
        if head[:2] not in (ALG_PURE, ALG_HASHED):
            raise MinisignError("signature: unknown algorithm")
        return cls(head[:2], head[2:10], head[10:], lines[2][len(TRUSTED):],
                   _b64(lines[3], 64, "signature"))

    def verify(self, key: PublicKey, data: bytes) -> str:
        """Return the trusted comment; raise BadSignature unless `key` signed `data`."""
        if key.key_id != self.key_id:
            raise BadSignature(f"signed by key {self.key}, not by {key.id}")
        message = hashlib.blake2b(data, digest_size=64).digest() if self.algorithm == ALG_HASHED \
            else data
        ed = key._ed()
        try:
            ed.verify(self.sig, message)
            ed.verify(self.global_sig, self.sig + self.trusted_comment.encode())
        except InvalidSignature:
            raise BadSignature(f"the signature by key {self.key} does not match") from None
        return self.trusted_comment


def _scrypt(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """libsodium's crypto_pwhash_scryptsalsa208sha256 (its pickparams, then plain scrypt)."""
    n_log2, r, p = _pick_params(opslimit, memlimit)
    if n_log2 > 20 or p > 64:
        raise MinisignError("secret key: key derivation parameters out of range")
    need = 128 * r * (1 << n_log2) + 128 * r * p + (1 << 20)
    return hashlib.scrypt(passphrase.encode(), salt=salt, n=1 << n_log2, r=r, p=p,
                          maxmem=need, dklen=104)


def _pick_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    opslimit = max(opslimit, 32768)
    r = 8
    if opslimit < memlimit // 32:
        p = 1
        max_n = opslimit // (r * 4)
    else:
        p = 0
        max_n = memlimit // (r * 128)
    n_log2 = 1
    while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
        n_log2 += 1
    if p == 0:
        p = min(0x3FFFFFFF, (opslimit // 4) // (1 << n_log2)) // r
    return n_log2, r, p
