"""Counter configuration: one TOML file, overridable by ``KIOSK_...`` environment variables.

Where the file comes from, first found wins: ``--config PATH``, ``$KIOSK_CONFIG``,
``./kiosk.toml``, then ``kiosk.toml`` in the platformdirs config dir. Environment variables
override single keys (``KIOSK_PRINTER__PAPER_MM=58``). A bad file never gives a traceback:
:class:`ConfigError` carries one plain line per problem, naming the file, key and rule.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_data_path
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kiosk.config_file import (
    APP_NAME,
    CONFIG_FILE_NAME,
    ENV_PREFIX,
    Basics,
    ConfigError,
    find_config,
    read_config,
)
from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import validate_vpa
from kiosk.domain.money import CASH_LIMIT_269ST, Paise, parse_amount

__all__ = ["APP_NAME", "CONFIG_FILE_NAME", "Basics", "ConfigError", "KioskSettings", "find_config"]
__all__ += ["basics_of", "load_settings", "settings_from"]


def _rupees(value: Any) -> Paise:
    """Config money is written in rupees (``"100"``, ``"2,00,000"``) and held in paise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("rupees", 'must be an amount in rupees such as "100"')
    try:
        return parse_amount(str(value))
    except InvalidInput as exc:
        raise PydanticCustomError("rupees", exc.message) from None


def _usb_id(value: Any) -> Any:
    """USB ids are usually written in hex (``"0x0416"``); accept that or a plain integer."""
    if isinstance(value, str):
        try:
            return int(value, 16) if value.lower().startswith("0x") else int(value)
        except ValueError:
            raise PydanticCustomError(
                "usb_id", "must be a USB id such as 0x0416, got {value}", {"value": repr(value)}
            ) from None
    return value


def _whole_number_text(value: Any) -> Any:
    """Environment variables are text: let ``"58"`` meet a ``Literal[58, 80]``."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return value


Rupees = Annotated[Paise, BeforeValidator(_rupees)]
UsbId = Annotated[int, BeforeValidator(_usb_id), Field(ge=0, le=0xFFFF)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CounterSettings(Section):
    id: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9\-]{1,19}$")]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    address: str = ""
    discoms: Annotated[list[str], Field(min_length=1)] = ["MVVNL"]
    default_discom: str | None = None
    division: str = ""

    @field_validator("id", mode="before")
    @classmethod
    def _upper_id(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _default_is_listed(self) -> CounterSettings:
        if self.default_discom is not None and self.default_discom not in self.discoms:
            raise PydanticCustomError(
                "default_discom",
                "must be one of counter.discoms ({discoms}), got {value}",
                {
                    "key": "default_discom",
                    "discoms": ", ".join(self.discoms),
                    "value": repr(self.default_discom),
                },
            )
        return self


class OperatorSettings(Section):
    default_id: str = ""
    idle_lock_minutes: Annotated[int, Field(ge=1, le=240)] = 10
    max_pin_attempts: Annotated[int, Field(ge=3, le=10)] = 5
    lockout_minutes: Annotated[int, Field(ge=1, le=120)] = 5


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CentralSettings(Section):
    url: str | None = None
    token: SecretStr | None = None
    token_env: str = "KIOSK_CENTRAL_TOKEN"
    connect_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0
    read_timeout_s: Annotated[float, Field(gt=0, le=300)] = 15.0
    batch_size: Annotated[int, Field(ge=1, le=500)] = 50
    # A backlog goes in batches that double while the central answers quickly, up to this.
    max_batch_size: Annotated[int, Field(ge=1, le=500)] = 500
    sync_interval_s: Annotated[int, Field(ge=5, le=3600)] = 30
    allow_insecure_http: bool = False
    # The discom's own CA (a PEM file); None trusts the usual public CAs (certifi's bundle).
    ca_file: Path | None = None

    @field_validator("ca_file", mode="before")
    @classmethod
    def _empty_ca_file_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("ca_file")
    @classmethod
    def _ca_file_holds_certificates(cls, value: Path | None) -> Path | None:
        """Load it now: a wrong path stops the counter at the config check, not at every
        sync with a certificate error that points nowhere."""
        if value is None:
            return None
        import ssl  # here, not at the top: the login screen loads without ssl

        path = value.expanduser()
        try:
            ssl.create_default_context(cafile=str(path))
        except FileNotFoundError:
            problem = "does not exist"
        except IsADirectoryError:
            problem = "is a folder"
        except ssl.SSLError:
            problem = "holds no certificate that can be read"
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or exc})"
        else:
            return path
        raise PydanticCustomError(
            "ca_file",
            "must be a PEM file of the central's CA certificates; {value} {problem}",
            {"value": repr(str(path)), "problem": problem},
        )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PydanticCustomError(
                "url",
                "must be an http(s) address such as https://host/, got {value}",
                {"value": repr(value)},
            )
        # The scheme in lower case (urlsplit reads "HTTP://" as http), so that no check
        # below can be passed by writing it in capitals.
        return (parts.scheme + value[len(parts.scheme) :]).rstrip("/")

    @field_validator("token")
    @classmethod
    def _empty_token_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @model_validator(mode="after")
    def _tls(self) -> CentralSettings:
        parts = urlsplit(self.url or "")
        insecure = parts.scheme == "http" and not self.allow_insecure_http
        if insecure and not _is_loopback(parts.hostname or ""):
            raise PydanticCustomError(
                "insecure_url",
                "must use https:// for a central that is not on this machine "
                "(or set allow_insecure_http = true)",
                {"key": "url"},
            )
        return self

    def resolved_token(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The bearer token: the config's own, else the named environment variable."""
        if self.token is not None:
            return self.token.get_secret_value()
        return (os.environ if environ is None else environ).get(self.token_env) or None


class StorageSettings(Section):
    data_dir: Path = Field(default_factory=lambda: user_data_path(APP_NAME))
    # Days a synced record keeps its personal data before `kiosk purge` removes it.
    retention_days: Annotated[int, Field(ge=30, le=3650)] = 365


PrinterKind = Literal["usb", "serial", "network", "cups", "win32raw", "file", "dummy"]
_PRINTER_NEEDS: dict[str, tuple[str, ...]] = {
    "usb": ("usb_vendor_id", "usb_product_id"),
    "serial": ("serial_port",),
    "network": ("host",),
    "cups": ("cups_printer",),
    "win32raw": ("win32_printer",),
    "file": ("file_path",),
    "dummy": (),
}


class PrinterSettings(Section):
    kind: PrinterKind = "dummy"
    paper_mm: Annotated[Literal[58, 80], BeforeValidator(_whole_number_text)] = 80
    usb_vendor_id: UsbId | None = None
    usb_product_id: UsbId | None = None
    serial_port: str | None = None
    baudrate: Annotated[
        Literal[9600, 19200, 38400, 57600, 115200], BeforeValidator(_whole_number_text)
    ] = 9600
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] = 9100
    cups_printer: str | None = None
    win32_printer: str | None = None
    file_path: Path | None = None
    write_timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0

    @model_validator(mode="after")
    def _kind_has_its_parameters(self) -> PrinterSettings:
        missing = [key for key in _PRINTER_NEEDS[self.kind] if getattr(self, key) is None]
        if missing:
            raise PydanticCustomError(
                "printer_params",
                "is required when kind is {kind}",
                {"key": missing[0], "kind": repr(self.kind)},
            )
        return self


class ReceiptSettings(Section):
    header_lines: Annotated[list[Annotated[str, Field(max_length=48)]], Field(max_length=6)] = []
    footer_lines: Annotated[list[Annotated[str, Field(max_length=48)]], Field(max_length=4)] = []


class UpiSettings(Section):
    payee_vpa: str | None = None
    payee_name: Annotated[str, Field(max_length=99)] | None = None

    @field_validator("payee_vpa")
    @classmethod
    def _vpa(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return validate_vpa(value)
        except InvalidInput as exc:
            raise PydanticCustomError("vpa", exc.message) from None

    @model_validator(mode="after")
    def _name_with_vpa(self) -> UpiSettings:
        if self.payee_vpa and not self.payee_name:
            raise PydanticCustomError(
                "payee_name", "is required with payee_vpa", {"key": "payee_name"}
            )
        return self


class PaymentSettings(Section):
    minimum_partial: Rupees = Paise(100_00)
    cash_limit_per_day: Rupees = CASH_LIMIT_269ST
    cheques_accepted: bool = True
    cheque_max_age_days: Annotated[int, Field(ge=1, le=180)] = 90

    @field_validator("cash_limit_per_day")
    @classmethod
    def _legal_cash_limit(cls, value: Paise) -> Paise:
        # Income Tax Act s.269ST: a counter may lower this limit, never raise it.
        if not 0 < value <= CASH_LIMIT_269ST:
            raise PydanticCustomError(
                "cash_limit",
                "must be more than 0 and at most {limit} (Income Tax Act s.269ST)",
                {"limit": "₹2,00,000"},
            )
        return value


class DataSettings(Section):
    tariff_file: Path | None = None
    scheme_file: Path | None = None
    discoms_file: Path | None = None


class KioskSettings(BaseModel):
    """Everything a counter is configured with; see config.example.toml for each key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["en", "hi"] = "en"
    counter: CounterSettings
    operator: OperatorSettings = OperatorSettings()
    central: CentralSettings = CentralSettings()
    storage: StorageSettings = Field(default_factory=StorageSettings)
    printer: PrinterSettings = PrinterSettings()
    receipt: ReceiptSettings = ReceiptSettings()
    upi: UpiSettings = UpiSettings()
    payments: PaymentSettings = PaymentSettings()
    data: DataSettings = DataSettings()


_BOUNDS = {
    "greater_than": "more than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


def _describe(err: Mapping[str, Any], label: str) -> str:
    """One pydantic error as ``source: dotted.key: rule``, in plain words."""
    ctx = err.get("ctx") or {}
    loc = [str(p) for p in err["loc"]] + ([str(ctx["key"])] if "key" in ctx else [])
    env_name = ENV_PREFIX + "__".join(loc).upper()
    source = f"environment {env_name}" if loc and env_name in os.environ else label
    kind, value = err["type"], err.get("input")
    got = "" if any("token" in part for part in loc) else f", got {value!r}"
    if kind == "missing":
        rule = "is required"
    elif kind == "extra_forbidden":
        rule = "is not a known key (see config.example.toml)"
    elif kind == "literal_error":
        rule = f"must be {ctx.get('expected')}{got}"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        rule = f"must be a whole number{got}"
    elif kind in ("float_parsing", "float_type"):
        rule = f"must be a number{got}"
    elif kind in ("bool_parsing", "bool_type"):
        rule = f"must be true or false{got}"
    elif kind in _BOUNDS:
        bound = next(v for k, v in ctx.items() if k in ("gt", "ge", "lt", "le"))
        rule = f"must be {_BOUNDS[kind]} {bound}{got}"
    elif kind == "string_pattern_mismatch" and loc == ["counter", "id"]:
        rule = f"must be 2-20 capital letters, digits or '-' (it starts every receipt number){got}"
    elif kind in ("string_too_long", "too_long"):
        rule = err["msg"].replace("String should", "must").replace("List should", "must")
    else:
        rule = err["msg"]
    return f"{source}: {'.'.join(loc) or '(top level)'}: {rule}"


def load_settings(path: Path | None, allow_missing: bool = False) -> KioskSettings:
    """Read and check the config; raise ConfigError listing every problem found."""
    return settings_from(
        read_config(path, allow_missing), str(path) if path else "(no config file)"
    )


def settings_from(data: dict[str, Any], label: str) -> KioskSettings:
    """Check what :func:`read_config` read; ``label`` names the file in the messages."""
    try:
        return KioskSettings(**data)
    except ValidationError as exc:
        raise ConfigError([_describe(err, label) for err in exc.errors()]) from None


def basics_of(settings: KioskSettings) -> Basics:
    """The login's few values, from checked settings (the tests' and the demo's way in)."""
    return Basics(
        counter_id=settings.counter.id,
        counter_name=settings.counter.name,
        language=settings.language,
        default_operator_id=settings.operator.default_id,
        idle_lock_minutes=settings.operator.idle_lock_minutes,
        has_central=bool(settings.central.url),
    )
