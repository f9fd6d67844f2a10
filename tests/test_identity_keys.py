"""Each process holds its own private key and only the public keys it verifies with (devtools.keys): no
service can read the key that signs callers."""

import stat
from pathlib import Path

import pytest

from devtools.keys import PROCESSES, ensure_identity_keys
from servicekit.identity import ensure_key_pair


def private_keys(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.pem")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_each_process_folder_holds_its_own_private_key_alone(tmp_path):
    root = ensure_identity_keys(tmp_path / "keys")
    assert private_keys(root / "gateway") == {"gateway.pem"}
    assert {p.name for p in (root / "gateway").iterdir()} == {"gateway.pem", "gateway.pub"}
    for service in ("agencies", "applications", "funding"):
        folder = root / service
        assert private_keys(folder) == {f"service-{service}.pem"}
        others = {f"service-{o}.pub" for o in ("agencies", "applications", "funding") if o != service}
        assert {"gateway.pub", *others} <= {p.name for p in folder.glob("*.pub")}
        assert (folder / "gateway.pub").read_bytes() == (root / "gateway" / "gateway.pub").read_bytes()
    assert list((root / "applications").glob("applications-data-*.key"))
    assert not list((root / "funding").glob("applications-*.key"))
    for process in PROCESSES:
        assert mode(root / process) == 0o700
        for key in (root / process).glob("*.pem"):
            assert mode(key) == 0o600


def test_keys_made_by_an_earlier_version_move_to_their_owner_unchanged(tmp_path):
    from applications.crypto import ensure_data_keys

    flat = tmp_path / "keys"
    ensure_key_pair(flat / "gateway.pem")
    ensure_key_pair(flat / "service-funding.pem")
    ensure_data_keys(flat)
    gateway_key = (flat / "gateway.pem").read_bytes()
    data_keys = {p.name: p.read_bytes() for p in flat.glob("applications-*.key")}
    ensure_identity_keys(flat)
    assert (flat / "gateway" / "gateway.pem").read_bytes() == gateway_key
    assert {p.name: p.read_bytes() for p in (flat / "applications").glob("applications-*.key")} == data_keys
    assert not list(flat.glob("*.pem")) and not list(flat.glob("*.key"))


@pytest.mark.platform
def test_no_running_service_can_read_the_gateway_signing_key(platform):
    for name, process in platform.processes.items():
        folder = Path(process.env["TPP_KEYS_DIR"])
        owner = name.split("-")[0]
        assert private_keys(folder) == {"gateway.pem" if owner == "gateway" else f"service-{owner}.pem"}, name
