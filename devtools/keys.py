"""`python -m devtools.keys`: create the identity key pairs under TPP_KEYS_DIR if they are missing —
the gateway's (signs callers) and one per service (signs service-to-service calls)."""

from devtools.platform import ensure_identity_keys
from servicekit.settings import keys_dir

if __name__ == "__main__":
    ensure_identity_keys()
    print(f"identity keys ready in {keys_dir()}")
