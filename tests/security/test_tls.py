"""TLS verification on: the counter trusts the central's certificate only when it should.

The central is the real reference server (uvicorn) serving HTTPS on 127.0.0.1 with a
certificate from a throwaway CA made by ``trustme``; the counter is the real one (its
database, its sync engine, its lookup client, its CLI). Nothing is mocked.
"""

from __future__ import annotations

import ast
import io
import os
import sqlite3
import ssl
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
import trustme

from kiosk.cli import main as kiosk_main
from kiosk.config import ConfigError, KioskSettings, load_settings
from kiosk.services.central_client import CentralClient, CentralUnavailable
from kiosk.services.payments import PaymentRequest, record_payment
from kiosk.services.runtime import counter_status, open_counter, wire_sync
from offline_queue.engine import SyncEngine
from offline_queue.tls import UNTRUSTED_CERTIFICATE
from tests.support.live_central import LiveCentral

ROOT = Path(__file__).resolve().parents[2]
OTHER_NAME = "central.other-discom.example"


@pytest.fixture(autouse=True)
def _no_kiosk_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No KIOSK_* or SSL_CERT_* variable from the shell (they would change whom to trust)."""
    for name in list(os.environ):
        if name.startswith(("KIOSK_", "SSL_CERT_")):
            monkeypatch.delenv(name)
    monkeypatch.setattr(platformdirs, "user_config_path", lambda app: tmp_path / "no-user-dir")


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    """A throwaway CA (as a discom's own would be) and its certificate as a PEM file."""
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "discom-ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


def _https_central(folder: Path, authority: trustme.CA, *names: str) -> LiveCentral:
    certfile = folder / "central.pem"
    authority.issue_cert(*names).private_key_and_cert_chain_pem.write_to_path(str(certfile))
    return LiveCentral(folder / "central.db", seed=3, ssl_certfile=certfile)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory, ca) -> Iterator[LiveCentral]:
    """The real central over HTTPS, its certificate made out for 127.0.0.1 by the CA."""
    with _https_central(tmp_path_factory.mktemp("central"), ca[0], "127.0.0.1") as server:
        yield server


def _config(folder: Path, central: LiveCentral, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(
        f'[counter]\nid = "{central.counter_id}"\nname = "TLS test"\n'
        f'[storage]\ndata_dir = "data"\n'
        f'[central]\nurl = "{central.url}"\ntoken = "{central.token}"\n{extra}',
        encoding="utf-8",
    )
    return path


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return kiosk_main(list(argv), out=out), out.getvalue()


def _central_copies(central: LiveCentral, event_id: str) -> tuple[int, int]:
    """(events, payments) the central holds for this event id."""
    with sqlite3.connect(central.db_path) as conn:
        events = conn.execute("SELECT count(*) FROM events WHERE event_id = ?", (event_id,))
        payments = conn.execute("SELECT count(*) FROM payments WHERE event_id = ?", (event_id,))
        return events.fetchone()[0], payments.fetchone()[0]


def _pay(settings: KioskSettings) -> str:
    counter = open_counter(settings)
    try:
        request = PaymentRequest(
            discom="MVVNL", account_no="1234567890", amount_paise=45_000, mode="cash",
            operator_id="op1", tendered_paise=50_000,
        )  # fmt: skip
        return record_payment(counter, request).event_id
    finally:
        counter.conn.close()


# --- (a) + (b): refused with the usual trust store; delivered once the CA is configured ---


def test_a_private_ca_is_refused_in_plain_words_and_the_payment_waits_until_trusted(
    tmp_path: Path, central: LiveCentral, ca
) -> None:
    config = _config(tmp_path / "counter", central)
    settings = load_settings(config)
    event_id = _pay(settings)
    consumer = central.demo_snapshots(1)[0].consumer

    counter = open_counter(settings)
    wiring = wire_sync(counter)
    assert wiring.engine is not None and wiring.central is not None
    try:
        with pytest.raises(CentralUnavailable) as refused:
            wiring.central.consumer(consumer.discom, consumer.account_no)
        assert str(refused.value) == UNTRUSTED_CERTIFICATE

        report = wiring.engine.sync_once(force=True)
        assert report.error == UNTRUSTED_CERTIFICATE
        assert (report.sent, report.remaining) == (0, 1)
        state = wiring.engine.state
        assert (state.online, state.pending, state.last_error) == (False, 1, UNTRUSTED_CERTIFICATE)
        assert counter_status(counter, wiring.engine).last_error == UNTRUSTED_CERTIFICATE
    finally:
        wiring.close()
        counter.conn.close()
    assert _central_copies(central, event_id) == (0, 0)

    code, out = _cli("--config", str(config), "status")
    assert code == 0
    assert f"last problem: {UNTRUSTED_CERTIFICATE}\n" in out
    assert "Traceback" not in out and "SSL" not in out

    # The discom's CA goes into the config (relative to the config file's folder).
    (config.parent / "discom-ca.pem").write_bytes(ca[1].read_bytes())
    config = _config(config.parent, central, 'ca_file = "discom-ca.pem"\n')
    trusted = load_settings(config)
    assert trusted.central.ca_file == config.parent / "discom-ca.pem"

    counter = open_counter(trusted)
    wiring = wire_sync(counter)
    assert wiring.engine is not None and wiring.central is not None
    try:
        found = wiring.central.consumer(consumer.discom, consumer.account_no)
        assert found is not None and found.consumer.account_no == consumer.account_no
        report = wiring.engine.sync_once(force=True)
        assert report.error is None
        assert (report.accepted, report.remaining) == (1, 0)
        assert wiring.engine.state.last_error is None
        assert wiring.engine.sync_once(force=True).sent == 0  # nothing left to send again
    finally:
        wiring.close()
        counter.conn.close()
    assert _central_copies(central, event_id) == (1, 1)

    code, out = _cli("--config", str(config), "sync")
    assert code == 0 and "stopped" not in out


# --- (e): the host name is checked too ----------------------------------------------------


def test_a_certificate_from_the_trusted_ca_for_another_host_name_is_refused(
    tmp_path: Path, ca
) -> None:
    with _https_central(tmp_path, ca[0], OTHER_NAME) as elsewhere:
        settings = load_settings(_config(tmp_path / "counter", elsewhere, f"ca_file = '{ca[1]}'\n"))
        event_id = _pay(settings)
        counter = open_counter(settings)
        wiring = wire_sync(counter)
        assert wiring.engine is not None and wiring.central is not None
        try:
            with pytest.raises(CentralUnavailable, match=r"^the central's certificate is not"):
                wiring.central.complaint("CMP-1")
            report = wiring.engine.sync_once(force=True)
            assert (report.error, report.remaining) == (UNTRUSTED_CERTIFICATE, 1)
        finally:
            wiring.close()
            counter.conn.close()
        assert _central_copies(elsewhere, event_id) == (0, 0)


# --- no way to switch verification off ------------------------------------------------------


def _unverified() -> list[ssl.SSLContext]:
    no_name = ssl.create_default_context()
    no_name.check_hostname = False
    no_check = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    no_check.check_hostname = False
    no_check.verify_mode = ssl.CERT_NONE
    return [no_name, no_check]


@pytest.mark.parametrize("context", _unverified(), ids=["no-host-name", "no-certificate"])
def test_both_clients_refuse_a_context_that_does_not_verify(
    context: ssl.SSLContext, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="must be verified"):
        CentralClient("https://127.0.0.1:9", None, verify=context)
    with pytest.raises(ValueError, match="must be verified"):
        SyncEngine(
            connect=lambda: sqlite3.connect(tmp_path / "q.db"),
            base_url="https://127.0.0.1:9",
            token=None,
            verify=context,
        )


# --- (c): no source turns verification off -----------------------------------------------


UNVERIFIED_NAMES = ("CERT_NONE", "CERT_OPTIONAL", "_create_unverified_context")


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and not node.value


def _verification_switched_off(source: str) -> list[int]:
    """Line numbers that pass ``verify=<falsy constant>``, name ``CERT_NONE`` or the
    unverified context, or set ``check_hostname`` to False."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword):
            off = node.arg in ("verify", "check_hostname") and _is_false(node.value)
        elif isinstance(node, ast.Attribute | ast.Name):
            off = (node.attr if isinstance(node, ast.Attribute) else node.id) in UNVERIFIED_NAMES
        elif isinstance(node, ast.Assign):
            named = [t.attr for t in node.targets if isinstance(t, ast.Attribute)]
            off = "check_hostname" in named and _is_false(node.value)
        else:
            continue
        if off:
            lines.append(node.lineno)
    return sorted(lines)


def test_the_checker_finds_each_way_of_switching_verification_off() -> None:
    bad = (
        "httpx.Client(verify=False)\n"
        "ctx.verify_mode = ssl.CERT_NONE\n"
        "ctx.check_hostname = False\n"
        "ssl._create_unverified_context()\n"
        "httpx.get(url, verify=0)\n"
    )
    assert _verification_switched_off(bad) == [1, 2, 3, 4, 5]
    assert _verification_switched_off("httpx.Client(verify=context)\n") == []


def test_no_kiosk_or_offline_queue_source_switches_verification_off() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in ("kiosk", "offline_queue")
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _verification_switched_off(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- (d): config check refuses a CA file it cannot use ----------------------------------


def _refusal(tmp_path: Path, ca_file: str) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[counter]\nid = "CSC-LKO-0001"\nname = "TLS test"\n'
        f'[central]\nurl = "https://central.example.invalid"\nca_file = "{ca_file}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    [line] = caught.value.lines
    prefix = f"{path}: central.ca_file: must be a PEM file of the central's CA certificates; "
    assert line.startswith(prefix), line
    return line.removeprefix(prefix)


def test_config_check_refuses_a_ca_file_that_does_not_exist(tmp_path: Path) -> None:
    assert (
        _refusal(tmp_path, "nowhere/ca.pem")
        == f"{str(tmp_path / 'nowhere/ca.pem')!r} does not exist"
    )


@pytest.mark.parametrize(
    "content",
    [b"not a certificate\n", b"", b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00"],
    ids=["text", "empty", "der-bytes"],
)
def test_config_check_refuses_a_ca_file_without_pem_certificates(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "ca.pem").write_bytes(content)
    rule = _refusal(tmp_path, "ca.pem")
    assert rule == f"{str(tmp_path / 'ca.pem')!r} holds no certificate that can be read"


def test_config_check_refuses_a_private_key_given_as_the_ca_file(tmp_path: Path, ca) -> None:
    ca[0].private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    assert _refusal(tmp_path, "key.pem").endswith("holds no certificate that can be read")


def test_config_check_refuses_a_folder_as_the_ca_file(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    assert _refusal(tmp_path, "certs").endswith("is a folder")
