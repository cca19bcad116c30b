"""The venue configuration: a commented TOML file written by ``evaluator venue init DIR``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from evaluator_app.venue.errors import ConfigError

TEMPLATE = """\
# Venue configuration (远程异地评标 · 场地服务配置)
# Paths are relative to this file.

# This venue: its id (used in receipts and login statements) and the city it is in.
venue_id = "{venue_id}"
city = "{city}"

# Where to listen. HTTPS only: the TLS certificate must come from a recognised CA; the
# certificate file holds the server certificate first, then its issuing CA certificate.
host = "127.0.0.1"
port = {port}
tls_cert = "{tls_cert}"
tls_key = "{tls_key}"

# The venue's own signing credential (PKCS#12): signs receipts and audit checkpoints.
signing_p12 = "{signing_p12}"
signing_password_file = "{signing_password_file}"

# The signed trust list of recognised CAs, and the centre certificate it must be signed by.
trust_list = "{trust_list}"
trust_list_signer = "{trust_list_signer}"

# The roster: every person who may log in here (the provincial expert pool, supervisors,
# centre staff) with their unique identifier as their CA's identity rule reads it.
roster = "{roster}"

# Revocation: "hard-fail" refuses a certificate whose status cannot be established;
# "soft-fail" accepts it (and records that it could not check).
revocation_mode = "hard-fail"

# Data: the SQLite database and the document store.
data_dir = "data"

# The store: "sqlite" (data_dir/venue.db: one venue process, the default), or a PostgreSQL URL
# such as "postgresql://venue@db.example.cn/venue" for several workers of this venue on one
# database (docs/deployment.md). Keep the password out of this file: ~/.pgpass or PGPASSFILE.
store = "{store}"

# An RFC 3161 timestamp authority served at /api/v1/tsa (its certificate has EKU timeStamping).
# Leave both out to serve none (clients then use the TSA configured in their settings).
{tsa}

# Limits and timings.
max_body_bytes = 67108864       # largest request body (documents are uploaded in one piece)
token_ttl_seconds = 43200       # a login lasts a working day at most
nonce_ttl_seconds = 120         # a login challenge must be answered within this
clock_skew_seconds = 300        # accepted difference between a client's clock and ours
offline_alert_seconds = 60      # supervisors are alerted when an expert is offline this long
phase_stuck_seconds = 7200      # ... and when a phase lasts longer than this
checkpoint_every = 100          # sign an audit checkpoint every N entries and at each phase change
heartbeat_timeout_seconds = 30  # no heartbeat for this long: the expert counts as offline

# The witnesses of this venue's transparency log (secondary venues, the centre), by their
# party id in the trust list: each is asked to countersign the log's head at every phase change
# and every checkpoint_every entries. A session's plan names which must have (plan.witnesses).
[witnesses]
{witnesses}

# The venues whose seats connect here (and this one), by id, as people read them: screens and
# printed reports name a venue "济南主场" or "淄博副场", never "zibo". This venue is "{city}".
[venue_names]
{venue_names}
"""


@dataclass(frozen=True)
class VenueConfig:
    venue_id: str
    city: str
    host: str
    port: int
    tls_cert: Path
    tls_key: Path
    signing_p12: Path
    signing_password_file: Path
    trust_list: Path
    trust_list_signer: Path
    data_dir: Path
    roster: Path
    store: str = "sqlite"  # or postgresql://…
    tsa_cert: Path | None = None
    tsa_key: Path | None = None
    revocation_mode: str = "hard-fail"
    max_body_bytes: int = 64 * 1024 * 1024
    token_ttl_seconds: int = 12 * 3600
    nonce_ttl_seconds: int = 120
    clock_skew_seconds: int = 300
    offline_alert_seconds: int = 60
    phase_stuck_seconds: int = 7200
    checkpoint_every: int = 100
    heartbeat_timeout_seconds: int = 30
    venue_names: dict[str, str] = field(default_factory=dict)
    witnesses: dict[str, str] = field(default_factory=dict)  # party id → https URL

    @property
    def names(self) -> dict[str, str]:
        """Venue id → city, this venue included."""
        return {**self.venue_names, self.venue_id: self.city}

    @property
    def database(self) -> Path:
        return self.data_dir / "venue.db"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"


_PATHS = {
    "tsa_cert",
    "tsa_key",
    "roster",
    "tls_cert",
    "tls_key",
    "signing_p12",
    "signing_password_file",
    "trust_list",
    "trust_list_signer",
    "data_dir",
}


def load_config(path: Path | str) -> VenueConfig:
    path = Path(path)
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path}: {exc.strerror}", f"无法读取配置文件 {path}"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}", f"配置文件 {path} 格式错误：{exc}"
        ) from exc
    known = {f.name: f for f in fields(VenueConfig)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {unknown[0]!r}", f"{path}：未知配置项 {unknown[0]}"
        )
    values: dict[str, Any] = {}
    for name, spec in known.items():
        if name not in raw:
            if spec.default is spec.default_factory:  # both MISSING: required
                raise ConfigError(
                    f"{path}: setting {name!r} is missing", f"{path}：缺少配置项 {name}"
                )
            continue
        value = raw[name]
        if name in _PATHS:
            value = (path.parent / str(value)).resolve()
        elif name == "venue_names" and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            raise ConfigError(
                f"{path}: [venue_names] must map venue ids to names",
                f"{path}：[venue_names] 须为场地编号到名称的对照",
            )
        elif name == "witnesses" and not (
            isinstance(value, dict)
            and all(isinstance(v, str) and v.startswith("https://") for v in value.values())
        ):
            raise ConfigError(
                f"{path}: [witnesses] must map party ids to https:// addresses",
                f"{path}：[witnesses] 须为参与方编号到 https:// 地址的对照",
            )
        elif isinstance(spec.default, int) and (
            not isinstance(value, int) or isinstance(value, bool) or value <= 0
        ):
            raise ConfigError(
                f"{path}: {name} must be a positive whole number", f"{path}：{name} 必须是正整数"
            )
        values[name] = value
    store = values.get("store", "sqlite")
    if not isinstance(store, str) or not (
        store == "sqlite" or store.startswith(("postgresql://", "postgres://"))
    ):
        raise ConfigError(
            f'{path}: store must be "sqlite" or a postgresql:// URL',
            f"{path}：store 只能是 sqlite 或 postgresql:// 地址",
        )
    if values.get("revocation_mode", "hard-fail") not in ("hard-fail", "soft-fail"):
        raise ConfigError(
            f"{path}: revocation_mode must be hard-fail or soft-fail",
            f"{path}：revocation_mode 只能是 hard-fail 或 soft-fail",
        )
    return VenueConfig(**values)


def render_config(
    store: str = "sqlite",
    tsa_cert: str = "",
    tsa_key: str = "",
    venue_names: dict[str, str] | None = None,
    witnesses: dict[str, str] | None = None,
    **values: Any,
) -> str:
    tsa = (
        f'tsa_cert = "{tsa_cert}"\ntsa_key = "{tsa_key}"'
        if tsa_cert
        else '# tsa_cert = "tsa/tsa.pem"\n# tsa_key = "tsa/tsa.key"'
    )
    names = "\n".join(f'{key} = "{name}"' for key, name in (venue_names or {}).items())
    seen = "\n".join(f'{key} = "{url}"' for key, url in (witnesses or {}).items())
    return TEMPLATE.format(
        tsa=tsa,
        venue_names=names or '# zibo = "淄博"',
        witnesses=seen or '# zibo = "https://zibo.example:8444"',
        store=store.replace('"', "%22"),
        **values,
    )
