"""The CLI binds ports as `bootstrap()` does, and says once when it runs on test adapters."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tessera.adapters.cli.main import cli
from tests.cli.invoke import set_up

UNNAMED: dict[str, str | None] = {"TESSERA_PAYMENT_GATEWAY": None, "TESSERA_CARRIER": None}
GATEWAY = "tessera.adapters.payments.test_gateway:from_settings"
CARRIER = "tessera.adapters.shipping.test_carrier:TestCarrier"
WARNING = (
    "warning: carrier, payment_gateway run on test adapters; name the real ones in"
    " TESSERA_CARRIER, TESSERA_PAYMENT_GATEWAY (or --port NAME=package.module:factory)\n"
)


def tessera(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner(env=UNNAMED).invoke(cli, ["--data-dir", str(data_dir), *args])
    return result.exit_code, result.stderr


def test_a_command_on_test_adapters_says_so_once(tmp_path: Path) -> None:
    set_up(tmp_path)
    assert tessera(tmp_path, "catalog", "list") == (0, WARNING)


def test_named_ports_are_no_stand_ins(tmp_path: Path) -> None:
    set_up(tmp_path)
    named = ["--payment-gateway", GATEWAY, "--carrier", CARRIER]
    assert tessera(tmp_path, *named, "catalog", "list") == (0, "")
    by_port = ["--port", f"payment_gateway={GATEWAY}", "--port", f"carrier={CARRIER}"]
    assert tessera(tmp_path, *by_port, "catalog", "list") == (0, "")


def test_a_port_named_wrongly_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    set_up(tmp_path)
    assert tessera(tmp_path, "--port", "mailer", "catalog", "list") == (
        2, "error: --port 'mailer' is not NAME=package.module:factory (see 'cli --help')\n"
    )  # fmt: skip
    code, said = tessera(tmp_path, "--port", "mailer=acme:mailer", "catalog", "list")
    assert (code, said.count("\n")) == (2, 1)
    assert said.startswith("error: no context declares the port mailer (the ports: carrier,")
    code, said = tessera(tmp_path, "--carrier", "nowhere:carrier", "catalog", "list")
    assert (code, said) == (2, "error: --port carrier: cannot import nowhere: No module named"
                               " 'nowhere'\n")  # fmt: skip


def test_the_demo_runs_on_test_adapters_without_a_word(tmp_path: Path) -> None:
    code, said = tessera(tmp_path / "demo", "demo", "--orders", "3")
    assert code == 0
    assert "test adapters" not in said


def test_a_worker_on_test_adapters_says_so_once_in_its_log(tmp_path: Path) -> None:
    set_up(tmp_path)
    code, said = tessera(tmp_path, "worker", "--until-idle", "--log-format", "json")
    assert code == 0
    warnings = [json.loads(line) for line in said.splitlines() if "test adapters" in line]
    assert [entry["level"] for entry in warnings] == ["warning"]
    assert warnings[0]["message"].startswith("carrier, payment_gateway run on test adapters")
