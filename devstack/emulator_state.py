"""Save and restore the whole state of moto's in-memory backends as one pickle.

moto keeps every service's data in module-level `BackendDict` objects that other modules hold
references to. A dump pickles their contents (accounts → regions → backend objects) in one graph,
together with the attributes some of those dictionaries carry beside their contents (S3's
`bucket_accounts`, the registry of bucket names: without it a restored bucket is invisible to
`create_bucket`, which then replaces it with an empty one). References to the dictionaries
themselves are stored by name (module, attribute), so a restore writes the contents back into
the live dictionaries instead of replacing them. Thread locks and conditions cannot be pickled;
they are saved as fresh, unlocked ones.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

import moto
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from moto.core.base_backend import BackendDict

log = logging.getLogger(__name__)

STATE_FILE_NAME = "emulator-state.pickle"
FORMAT_VERSION = 2  # 2: BackendDict attributes saved too; 1 is still read (registry rebuilt)
READABLE_FORMATS = (1, 2)
# What every BackendDict has from its constructor; anything else is state of its own.
_BASE_ATTRIBUTES = frozenset({"backend", "service_name", "_use_boto3_regions",
                              "_additional_regions", "_id"})
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
# Key objects (SNS signing, KMS, ACM) are Rust objects that pickle refuses: save them as PEM.
_PRIVATE_KEY_TYPES = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey,
                      dsa.DSAPrivateKey)
_PUBLIC_KEY_TYPES = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, ed25519.Ed25519PublicKey,
                     dsa.DSAPublicKey)


def _private_key_from_pem(pem: bytes) -> Any:
    """Rebuild a private key saved by `_StatePickler`."""
    return serialization.load_pem_private_key(pem, password=None)


def _public_key_from_pem(pem: bytes) -> Any:
    """Rebuild a public key saved by `_StatePickler`."""
    return serialization.load_pem_public_key(pem)


class _StatePickler(pickle.Pickler):
    """Pickler that names live BackendDicts, saves locks as fresh ones and keys as PEM."""

    def __init__(self, file: io.BufferedIOBase, names: dict[int, tuple[str, str]]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = names

    def persistent_id(self, obj: Any) -> tuple[str, str] | None:
        """Store a module-level BackendDict as its (module, attribute) name."""
        if isinstance(obj, BackendDict):
            return self._names.get(id(obj))
        return None

    def reducer_override(self, obj: Any) -> Any:
        """Save locks and conditions as new unlocked ones (the state they guard is pickled)."""
        if isinstance(obj, _LOCK_TYPES):
            return threading.RLock if "RLock" in type(obj).__name__ else threading.Lock, ()
        if isinstance(obj, threading.Condition):
            return threading.Condition, ()
        if isinstance(obj, threading.Event):
            return threading.Event, ()
        if isinstance(obj, _PRIVATE_KEY_TYPES):
            pem = obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            return _private_key_from_pem, (pem,)
        if isinstance(obj, _PUBLIC_KEY_TYPES):
            pem = obj.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
            return _public_key_from_pem, (pem,)
        return NotImplemented


class _StateUnpickler(pickle.Unpickler):
    """Unpickler that resolves named BackendDicts to the live module-level ones."""

    def persistent_load(self, pid: tuple[str, str]) -> BackendDict:
        """Return the live BackendDict `module.attribute`."""
        return _live_backend_dict(*pid)


def _live_backend_dict(module_name: str, attribute: str) -> BackendDict:
    """Import moto's module and return its BackendDict."""
    __import__(module_name)
    found = getattr(sys.modules[module_name], attribute)
    if not isinstance(found, BackendDict):
        raise pickle.UnpicklingError(f"{module_name}.{attribute} is not a moto BackendDict")
    return found


def _backend_dict_names() -> dict[int, tuple[str, str]]:
    """Map id(BackendDict) → (module, attribute) for every BackendDict in a loaded moto module."""
    names: dict[int, tuple[str, str]] = {}
    for module_name in sorted(sys.modules):
        module = sys.modules[module_name]
        if not module_name.startswith("moto.") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if isinstance(value, BackendDict):
                names.setdefault(id(value), (module_name, attribute))
    return names


def dump_state() -> bytes:
    """Pickle the contents and attributes of every BackendDict in use (no request running)."""
    names = _backend_dict_names()
    contents: dict[tuple[str, str], dict[str, Any]] = {}
    for backend_dict in list(BackendDict._instances):
        name = names.get(id(backend_dict))
        if name is None:
            log.warning("not saving %s: no module-level name", backend_dict.service_name)
            continue
        attributes = {k: v for k, v in vars(backend_dict).items() if k not in _BASE_ATTRIBUTES}
        contents[name] = {"items": list(dict.items(backend_dict)), "attributes": attributes}
    buffer = io.BytesIO()
    pickle.dump({"moto_version": moto.__version__, "format": FORMAT_VERSION}, buffer)
    _StatePickler(buffer, names).dump(contents)
    return buffer.getvalue()


def write_state(state_dir: Path, data: bytes) -> Path:
    """Write a dump atomically (temporary file, fsync, rename) and return its path."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / STATE_FILE_NAME
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def _set_aside(path: Path, reason: str) -> None:
    """Move a state file that will not be loaded out of the way, keeping it for inspection."""
    rejected = path.with_name(f"{path.name}.rejected")
    os.replace(path, rejected)
    log.error("refusing saved emulator state %s: %s; starting empty (old state kept as %s)",
              path, reason, rejected)


def _read_contents(path: Path) -> dict | None:
    """Return the saved BackendDict contents, or None when the file is refused."""
    with open(path, "rb") as handle:
        try:
            header = pickle.load(handle)
            version = header.get("moto_version")
            if version != moto.__version__ or header.get("format") not in READABLE_FORMATS:
                reason = (f"written by moto {version} (format {header.get('format')}), "
                          f"this is moto {moto.__version__} (format {FORMAT_VERSION})")
            else:
                contents = _StateUnpickler(handle).load()
                if header["format"] == 1:  # contents only: the bucket registry is rebuilt
                    contents = {k: {"items": v, "attributes": {}} for k, v in contents.items()}
                return contents
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
            reason = f"unreadable ({error})"
    _set_aside(path, reason)
    return None


def restore_state(state_dir: Path) -> bool:
    """Load the saved state into moto's live backends; False (state empty) if none or refused."""
    path = state_dir / STATE_FILE_NAME
    if not path.is_file():
        log.info("no saved emulator state at %s: starting empty", path)
        return False
    contents = _read_contents(path)
    if contents is None:
        return False
    for (module_name, attribute), saved in contents.items():
        live = _live_backend_dict(module_name, attribute)
        dict.clear(live)
        dict.update(live, saved["items"])
        for key, value in saved["attributes"].items():
            setattr(live, key, value)
        if live not in BackendDict._instances:
            BackendDict._instances.append(live)
    _register_restored_buckets()
    log.info("restored emulator state from %s (%d services)", path, len(contents))
    return True


def _register_restored_buckets() -> None:
    """Make every restored bucket known to S3's name registry (older state files lack it)."""
    from moto.s3.models import s3_backends

    registry = s3_backends.bucket_accounts
    for account_id, regions in dict.items(s3_backends):
        for backend in dict.values(regions):
            for name, bucket in backend.buckets.items():
                registry.setdefault(name, (bucket.partition, account_id))
