"""Server settings: where the database lives, how to listen, how hard to hash.

One frozen dataclass is passed to `create_app` and to the CLI helpers, so tests
can build a server with any configuration without touching the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ENV_DATABASE = "FIELDSYNC_DATABASE"
ENV_DATA_DIR = "FIELDSYNC_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("enlace-server", appauthor=False))


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'fieldsync.sqlite3'}"


def resolve_database_url(explicit: str | None) -> str:
    """--database beats $FIELDSYNC_DATABASE beats SQLite in the data folder."""
    url = explicit or os.environ.get(ENV_DATABASE)
    if url:
        return url
    data_dir = default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_url(data_dir)


@dataclass(frozen=True)
class Settings:
    database_url: str
    # Node id of the server's hybrid clock; distinct per process so that HLCs
    # made by two processes never tie.
    node_id: str = field(default_factory=lambda: "srv" + secrets.token_hex(4))
    token_ttl_s: int = 90 * 24 * 3600  # field laptops may stay offline for weeks
    # Argon2id cost. Defaults follow RFC 9106's "second recommended option";
    # tests pass a cheaper (still memory-hard) profile to stay fast.
    kdf_time_cost: int = 3
    kdf_memory_kib: int = 64 * 1024
    kdf_parallelism: int = 4
    # Sign-in limits (throttle.py): failures per account and address before that pair
    # is locked (1 min, doubling, capped), per address and per account within the window.
    login_fail_per_user: int = 5
    login_fail_per_addr: int = 20
    login_fail_per_account: int = 50
    login_window_s: float = 300.0
    login_lock_cap_s: float = 900.0
    # Argon2 verifications running at once (each takes kdf_memory_kib), and how many
    # sign-ins may wait for one before the rest are answered 429.
    kdf_concurrency: int = 2
    login_queue: int = 32
    # Push bodies over 256 KiB read and decoded at once (memory stays bounded).
    big_push_concurrency: int = 4
    # Slow clients: complete request headers within this, a body with no pause longer
    # than body_idle_s and in all within body_total_s; at most max_connections open.
    header_timeout_s: float = 10.0
    body_idle_s: float = 20.0
    body_total_s: float = 120.0
    max_connections: int = 0  # 0: the descriptor limit less a reserve (serving.py)
    # Peers whose X-Forwarded-For names the client (the operator's reverse proxies).
    trusted_proxies: tuple[str, ...] = ()
    # Signed checkpoints of the audit head (anchor.py): the Ed25519 key (a 0600 file
    # outside the database), the file they are appended to, and how often.
    audit_key: Path | None = None
    checkpoint_file: Path | None = None
    checkpoint_every_s: float = 300.0
    gzip_level: int = 1  # ISA-L level (0-3): cheap on CPU; JSON of UUIDs still shrinks ~6x
    # Longest a pull may park (≤ the protocol's 30 s); lower it behind proxies
    # that cut idle connections sooner.
    long_poll_cap_s: float = 30.0
    # A process wakes its parked pulls at most once per this much per open long-poll
    # (up to the cap): a fleet then pulls about 1 / wake_spread_per_pull_s times a second
    # in all, each page carrying every commit of that moment; a lone pull wakes at once.
    wake_spread_per_pull_s: float = 0.002
    wake_spread_cap_s: float = 0.6
    # Long-poll wake-ups across processes (PostgreSQL only).
    listen_notify: bool = True
    # SQLite has no LISTEN: one thread per process reads the newest seq this often to
    # find commits by other processes (commits in this process wake pulls at once).
    sqlite_recheck_s: float = 1.0
    # Threads for blocking work off the event loop (pulls, sign-ins, audit).
    io_threads: int = 32
    # The oldest client protocol revision served (/v1/health, /v1/me): an older client
    # says "update" instead of syncing half the data. Raise it when a change of the
    # protocol needs every laptop updated ($FIELDSYNC_MIN_CLIENT_REVISION).
    min_client_revision: int = 1

    @classmethod
    def from_env(cls, database_url: str) -> Settings:
        """Settings for the CLI; the KDF cost can be tuned for small servers."""
        def env_int(name: str, default: int) -> int:
            value = os.environ.get(name, "")
            return int(value) if value.isdigit() else default

        def env_float(name: str, default: float) -> float:
            value = os.environ.get(name, "")
            return float(value) if value.replace(".", "", 1).isdigit() else default

        proxies = os.environ.get("FIELDSYNC_TRUSTED_PROXIES", "")
        # Never below OWASP's Argon2id floor (19 MiB, t=2), whatever is set.
        return cls(
            database_url=database_url,
            kdf_memory_kib=max(env_int("FIELDSYNC_KDF_MEMORY_KIB", 64 * 1024), 19 * 1024),
            kdf_time_cost=max(env_int("FIELDSYNC_KDF_TIME_COST", 3), 2),
            sqlite_recheck_s=env_float("FIELDSYNC_SQLITE_RECHECK_S", 1.0),
            header_timeout_s=env_float("FIELDSYNC_HEADER_TIMEOUT_S", 10.0),
            body_idle_s=env_float("FIELDSYNC_BODY_TIMEOUT_S", 20.0),
            max_connections=env_int("FIELDSYNC_MAX_CONNECTIONS", 0),
            trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
            checkpoint_every_s=env_float("FIELDSYNC_CHECKPOINT_EVERY_S", 300.0),
            min_client_revision=max(env_int("FIELDSYNC_MIN_CLIENT_REVISION", 1), 1),
        )

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
