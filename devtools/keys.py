"""`python -m devtools.keys`: the platform's keys under TPP_KEYS_DIR, one folder per process, each holding
that process's own private key and only the public keys it verifies with:

    <keys>/gateway/       gateway.pem (signs callers and access tokens), gateway.pub
    <keys>/<service>/     service-<service>.pem (signs its calls to other services), gateway.pub and the other
                          services' public keys; the applications service also keeps its personal-data keys

Every process is started with TPP_KEYS_DIR=<keys>/<its name>, so no service can read the key that signs
callers (docker-compose.yml mounts one folder per container). Folders are 0700 and private keys 0600. Keys
made by an earlier version in one shared folder are moved into their owner's folder, never made anew (the
data keys decrypt stored personal data)."""

import os
import shutil
from pathlib import Path

from servicekit.identity import ensure_key_pair
from servicekit.settings import keys_dir

SERVICES = ("agencies", "applications", "funding")
PROCESSES = ("gateway", *SERVICES)


def private_key_name(process: str) -> str:
    return "gateway.pem" if process == "gateway" else f"service-{process}.pem"


def verifies_with(process: str) -> list[str]:
    """The public keys a process checks signatures with: the gateway only its own (access tokens); a service
    the gateway's (callers) and the other services' (service-to-service calls)."""
    if process == "gateway":
        return ["gateway.pub"]
    return ["gateway.pub", *(f"service-{other}.pub" for other in SERVICES if other != process)]


def process_keys_dir(root: Path, process: str) -> Path:
    return root / process


def _private_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _copy_if_changed(source: Path, target: Path) -> None:
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)


def _move_flat_keys(root: Path) -> None:
    """Keys an earlier version kept together in `root` go to their owner's folder."""
    owners = {private_key_name(p): p for p in PROCESSES}
    owners.update({name.replace(".pem", ".pub"): process for name, process in owners.items()})
    for path in root.glob("*"):
        owner = owners.get(path.name) or ("applications" if path.name.startswith("applications-") else None)
        if owner is None or not path.is_file():
            continue
        target = _private_folder(process_keys_dir(root, owner)) / path.name
        if not target.exists():
            os.replace(path, target)


def ensure_identity_keys(root: Path | None = None) -> Path:
    """Every process's folder with its keys (made once), and the public keys copied to whoever verifies with
    them. Returns the root."""
    from applications.crypto import ensure_data_keys

    root = root or keys_dir()
    _private_folder(root)
    _move_flat_keys(root)
    for process in PROCESSES:
        ensure_key_pair(_private_folder(process_keys_dir(root, process)) / private_key_name(process))
    ensure_data_keys(process_keys_dir(root, "applications"))
    _share_public_keys(root)
    return root


def _share_public_keys(root: Path) -> None:
    public = {private_key_name(p).replace(".pem", ".pub"): process_keys_dir(root, p) for p in PROCESSES}
    for process in PROCESSES:
        folder = process_keys_dir(root, process)
        for name in verifies_with(process):
            if public[name] != folder:
                _copy_if_changed(public[name] / name, folder / name)


def distribute_keys(flat: Path, root: Path) -> Path:
    """Per-process folders under `root` from keys kept together in `flat` (a test run's keys, which the tests
    themselves sign with): each process gets its own private key and the public keys it verifies with."""
    _private_folder(root)
    for process in PROCESSES:
        folder = _private_folder(process_keys_dir(root, process))
        for name in (private_key_name(process), private_key_name(process).replace(".pem", ".pub")):
            _copy_if_changed(flat / name, folder / name)
        (folder / private_key_name(process)).chmod(0o600)
    for path in flat.glob("applications-*.key"):
        _copy_if_changed(path, process_keys_dir(root, "applications") / path.name)
    _share_public_keys(root)
    return root


if __name__ == "__main__":
    print(f"identity keys ready in {ensure_identity_keys()}, one folder per process")
