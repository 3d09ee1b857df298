"""The pseudonymisation key: one file that decides, and remembers, every pseudonym.

A JSON file (:data:`KEY_FORMAT`, version :data:`KEY_VERSION`) holding each original and
its pseudonym, the counters that number new ones, and fingerprints of the documents it
was made for. It carries a checksum (an edited key is refused, ``RK-D02``), is written
atomically with owner-only permissions (a key others can read warns, ``RK-D21``), and
never lies where outputs go (:func:`check_location`). With it a researcher can go back
to the originals (:func:`reveal`, :func:`unpseudonymise`).

At rest the key can be encrypted with a passphrase (:data:`ENCRYPTED_KEY_FORMAT`): the
same JSON, sealed with AES-256-GCM under a key derived from the passphrase by scrypt,
inside a small JSON header that says what the file is. Functions that read a key take
``passphrase=``; a ``with key_passphrase(...)`` block gives one to those that do not. An
encrypted key is opened only with its passphrase (``RK-D40`` without one, ``RK-D41`` with a
wrong one, ``RK-D42`` when it was altered) and stays encrypted when rewritten; a plain key
keeps working and warns once (``RK-D46``); :func:`encrypt_key` encrypts one in place.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes, atomic_write_text, content_hash
from ..corpus import Corpus
from ..errors import PseudonymisationError, warn
from .detect import LABELS
from .matcher import PhraseMatcher, caps_ok, folded_slug, folded_tokens

KEY_FORMAT = "research-kit pseudonymisation key"
KEY_VERSION = 1
ENCRYPTED_KEY_FORMAT = "research-kit encrypted pseudonymisation key"
ENCRYPTED_KEY_VERSION = 1
#: The environment variable the ``research-kit`` command reads a key's passphrase from (the library never does).
PASSPHRASE_VARIABLE = "RESEARCH_KIT_KEY_PASSPHRASE"

# scrypt's cost for new keys (RFC 7914; OWASP's 2^17, r=8, p=1: 128 MiB, about 0.4 s). What a
# file asks for is obeyed only within these bounds, so that a forged header cannot exhaust memory.
_SCRYPT = {"n": 2 ** 17, "r": 8, "p": 1}
_SCRYPT_N_RANGE, _SCRYPT_MAX_R, _SCRYPT_MAX_P, _SCRYPT_MAX_MEMORY = (2 ** 14, 2 ** 20), 16, 4, 2 ** 30
_SALT_BYTES, _NONCE_BYTES = 16, 12
_ENCRYPTED_NOTE = ("Encrypted Research Kit pseudonymisation key: it maps pseudonyms back to real people and "
                   "opens only with its passphrase. Keep the file and the passphrase private, and apart.")

_PASSPHRASE: ContextVar[str | None] = ContextVar("research_kit_key_passphrase", default=None)
_WARNED_PLAIN: set[str] = set()


@contextmanager
def key_passphrase(passphrase: str | None) -> Iterator[None]:
    """Within the block, every key read or written without ``passphrase=`` uses ``passphrase``.

    For the functions that read the key but take no ``passphrase=`` themselves, and for a
    notebook that asks once (``with key_passphrase(getpass.getpass("Key passphrase: ")):``).
    An explicit ``passphrase=`` wins; ``None`` means no passphrase inside the block.
    """
    token = _PASSPHRASE.set(_check_passphrase(passphrase))
    try:
        yield
    finally:
        _PASSPHRASE.reset(token)


def _check_passphrase(passphrase: object, path: Path | None = None) -> str | None:
    if passphrase is None:
        return None
    if not isinstance(passphrase, str) or not passphrase:
        got = "an empty string" if passphrase == "" else type(passphrase).__name__
        raise PseudonymisationError("RK-D43", f"the key's passphrase must be a non-empty string; got {got}.",
                                    path=path, hint="Pass passphrase=getpass.getpass() (never a passphrase written "
                                                    "in a notebook or a script); nothing was written.")
    return passphrase


def _crypto(path: Path) -> Any:
    """The pieces of ``cryptography`` an encrypted key needs (``RK-D44`` without them)."""
    try:
        from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    except ImportError as e:
        raise PseudonymisationError(
            "RK-D44", "an encrypted key needs the `cryptography` package, which is not installed.", path=path,
            hint="Install it with `python -m pip install 'cryptography>=42'`; nothing was written.") from e
    return AESGCM, Scrypt, InvalidTag, UnsupportedAlgorithm


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, path: Path) -> tuple[bytes, bytes]:
    """(AES-256 key, passphrase check) from scrypt; the passphrase is read as NFC UTF-8 (é typed either way)."""
    _, Scrypt, _, UnsupportedAlgorithm = _crypto(path)
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    try:
        derived = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(secret)
    except UnsupportedAlgorithm as e:  # an OpenSSL without scrypt (FIPS mode)
        raise PseudonymisationError(
            "RK-D44", f"this installation of `cryptography` cannot derive keys with scrypt ({e}).", path=path,
            hint="Install the wheel from PyPI (`python -m pip install --force-reinstall 'cryptography>=42'`); "
                 "nothing was written.") from e
    return derived[:32], derived[32:]


def _aad(header: Mapping[str, Any]) -> bytes:
    """What the cipher authenticates besides the ciphertext: every other field of the file."""
    return json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _seal(plaintext: bytes, passphrase: str, path: Path) -> bytes:
    """The encrypted key file's bytes: a JSON header (format, version, scrypt's salt and cost) and the ciphertext."""
    AESGCM = _crypto(path)[0]
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    secret, check = _derive(passphrase, salt, **_SCRYPT, path=path)
    header = {"format": ENCRYPTED_KEY_FORMAT, "version": ENCRYPTED_KEY_VERSION, "note": _ENCRYPTED_NOTE,
              "kdf": {"name": "scrypt", **_SCRYPT, "salt": _b64(salt), "check": _b64(check)},
              "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)}}
    sealed = AESGCM(secret).encrypt(nonce, plaintext, _aad(header))
    return (json.dumps({**header, "ciphertext": _b64(sealed)}, indent=1) + "\n").encode("ascii")


def _damaged(path: Path, what: str) -> PseudonymisationError:
    return PseudonymisationError(
        "RK-D42", f"the encrypted key is damaged or was altered since Research Kit wrote it ({what}), so its "
                  "pseudonyms cannot be trusted.", path=path,
        hint="Restore it from your backup, or start a new key (a new path; pseudonyms will then differ from "
             "earlier briefs); nothing was written.")


def _open_sealed(data: Mapping[str, Any], passphrase: str | None, path: Path) -> bytes:
    """The plaintext of an encrypted key file (parsed as JSON into ``data``), or the coded refusal."""
    if data.get("version") != ENCRYPTED_KEY_VERSION:
        raise PseudonymisationError(
            "RK-D05", f"encrypted key format version {data.get('version')!r}; this Research Kit reads version "
                      f"{ENCRYPTED_KEY_VERSION}.", path=path,
            hint="Use the Research Kit version that wrote it, or upgrade Research Kit.")
    if passphrase is None:
        raise PseudonymisationError(
            "RK-D40", "the key is encrypted and no passphrase was given.", path=path,
            hint=f"Pass passphrase=getpass.getpass() (or read it inside `with key_passphrase(...)`); with the "
                 f"`research-kit` command, set {PASSPHRASE_VARIABLE} or answer its prompt. Nothing was written.")
    AESGCM, _, InvalidTag, _ = _crypto(path)
    header = {k: v for k, v in data.items() if k != "ciphertext"}
    kdf, cipher = data.get("kdf"), data.get("cipher")
    try:
        if kdf.get("name") != "scrypt" or cipher.get("name") != "AES-256-GCM":
            raise _damaged(path, f"unknown method {kdf.get('name')!r}/{cipher.get('name')!r}")
        n, r, p = (kdf[k] for k in ("n", "r", "p"))
        if not all(type(v) is int for v in (n, r, p)) or n & (n - 1) or not (
                _SCRYPT_N_RANGE[0] <= n <= _SCRYPT_N_RANGE[1] and 1 <= r <= _SCRYPT_MAX_R
                and 1 <= p <= _SCRYPT_MAX_P and 128 * n * r <= _SCRYPT_MAX_MEMORY):
            raise _damaged(path, f"scrypt cost n={n!r}, r={r!r}, p={p!r} is not one Research Kit writes")
        salt, check, nonce, sealed = (base64.b64decode(v, validate=True) for v in (
            kdf["salt"], kdf["check"], cipher["nonce"], data["ciphertext"]))
    except (KeyError, TypeError, AttributeError, binascii.Error) as e:
        raise _damaged(path, f"its header is incomplete or unreadable: {type(e).__name__} {e}") from e
    if len(salt) < _SALT_BYTES or len(check) != 32 or len(nonce) != _NONCE_BYTES:
        raise _damaged(path, "its salt, check or nonce has the wrong length")
    secret, expected = _derive(passphrase, salt, n, r, p, path)
    if not hmac.compare_digest(check, expected):
        raise PseudonymisationError(
            "RK-D41", "wrong passphrase: it does not open this encrypted key.", path=path,
            hint=f"Try again with the passphrase the key was encrypted with (case and spaces count; check "
                 f"{PASSPHRASE_VARIABLE} if it is set). A forgotten passphrase cannot be recovered: restore a key "
                 "you can open from your backup, or start a new key (a new path; pseudonyms will then differ "
                 "from earlier briefs). Nothing was written.")
    try:
        return AESGCM(secret).decrypt(nonce, sealed, _aad(header))
    except InvalidTag as e:
        raise _damaged(path, "its content does not authenticate") from e


def is_encrypted(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an encrypted Research Kit key (``False`` for a plain key, a missing or unreadable file)."""
    try:
        data = json.loads(Path(path).expanduser().read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == ENCRYPTED_KEY_FORMAT


def _warn_plain(path: Path, stacklevel: int) -> None:
    """``RK-D46``, once per key file and session."""
    where = str(path.resolve())
    if where in _WARNED_PLAIN:
        return
    _WARNED_PLAIN.add(where)
    warn("RK-D46", f"{path}: the key is not encrypted: whoever gets a copy of the file (a backup, a synced folder, "
                   f"a lost laptop) reads every participant's real name. Encrypt it with `research-kit key encrypt "
                   f"{path}` (or pass passphrase= to the function that writes it); it keeps working as it is.",
         stacklevel=stacklevel + 1)


def _canonical(data: Mapping[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k != "checksum"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _checksum(data: Mapping[str, Any]) -> str:
    return "sha256:" + content_hash(_canonical(data))


def doc_fingerprint(doc_id: str) -> str:
    """What the key records of a document: a hash of its id, not the id (which may hold a name)."""
    return content_hash("doc_id", str(doc_id))[:16]


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies somewhere under it (links resolved)."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_location(path: Path, *, what: str, code: str, forbidden: Iterable[tuple[Path, str]] = ()) -> Path:
    """Refuse (``code``) a key or report path that is a folder, under ``reports/``, or inside a ``forbidden`` folder."""
    path = Path(path)
    if path.exists() and path.is_dir():
        example = path / ("key.json" if code == "RK-D04" else "replacements.csv")
        raise PseudonymisationError(code, f"the {what} path is a folder.", path=path,
                                    hint=f"Give the path of a file, e.g. {example}.")
    parts = [p.casefold() for p in path.resolve().parent.parts]
    if "reports" in parts:
        raise PseudonymisationError(
            code, f"refusing to keep the {what} under a `reports/` folder, where shareable outputs go.",
            path=path, hint=f"Keep the {what} in a private folder outside the project's outputs "
                            "(e.g. ~/research-keys/); nothing was written.")
    for folder, label in forbidden:
        if folder is not None and is_inside(path, Path(folder)):
            raise PseudonymisationError(
                code, f"refusing to keep the {what} inside the {label} ({folder}).", path=path,
                hint=f"Keep the {what} in a private folder apart from the corpus and every output; "
                     "nothing was written.")
    return path


@dataclass
class Key:
    """The key file in memory: entries by folded phrase, counters, fingerprint.

    ``passphrase`` (never shown) is the one it was opened with: a key with one is written
    encrypted; ``encrypted`` says whether the file on disk is.
    """

    path: Path
    language: str | None = None
    title: str | None = None
    documents: set[str] = field(default_factory=set)
    entries: dict[tuple[str, ...], dict] = field(default_factory=dict)  # folded tokens -> entry
    doc_ids: dict[str, str] = field(default_factory=dict)  # original doc_id -> new doc_id
    counters: dict[str, int] = field(default_factory=dict)
    created: str | None = None
    exists: bool = False
    raw: dict | None = None
    passphrase: str | None = field(default=None, repr=False, compare=False)
    encrypted: bool = False

    @classmethod
    def load(cls, path: str | os.PathLike, *, must_exist: bool = False, passphrase: str | None = None) -> "Key":
        """The key at ``path``; a new, empty one when there is no file (unless ``must_exist``).

        ``passphrase`` opens an encrypted key (default: the enclosing :func:`key_passphrase`'s);
        given for a new or a plain key, the key is written encrypted by :meth:`save`.
        """
        path = Path(path)
        passphrase = _check_passphrase(passphrase if passphrase is not None else _PASSPHRASE.get(), path)
        if passphrase is not None:
            _crypto(path)  # a missing package is said before any work, not when the key is saved
        if not path.exists():
            if must_exist:
                raise PseudonymisationError("RK-D01", "no such key file.", path=path,
                                            hint="Give the key file that pseudonymise() wrote for this corpus.")
            return cls(path, passphrase=passphrase)
        if path.is_dir():
            raise PseudonymisationError("RK-D04", "the key path is a folder.", path=path,
                                        hint=f"Give the path of a file, e.g. {path / 'key.json'}.")
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except OSError as e:
            raise PseudonymisationError("RK-D01", f"the key file cannot be read ({e.strerror}).", path=path,
                                        hint="Check its permissions; nothing was written.") from e
        except (UnicodeDecodeError, ValueError) as e:
            raise PseudonymisationError(
                "RK-D01", f"is not a Research Kit key: it is not valid JSON ({e}).", path=path,
                hint="Restore the key from your backup, or give a new key path to start a new mapping "
                     "(pseudonyms will then differ from earlier briefs); nothing was written.") from e
        encrypted = isinstance(data, dict) and data.get("format") == ENCRYPTED_KEY_FORMAT
        if encrypted:
            plaintext = _open_sealed(data, passphrase, path)
            try:
                data = json.loads(plaintext.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise _damaged(path, "what it holds is not a key") from e
        if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
            raise PseudonymisationError(
                "RK-D01", "is not a Research Kit key file (no `format` field naming one).", path=path,
                hint="Give the key that pseudonymise() wrote, or a path that does not exist yet to start a new key.")
        if data.get("version") != KEY_VERSION:
            raise PseudonymisationError(
                "RK-D05", f"key format version {data.get('version')!r}; this Research Kit reads version {KEY_VERSION}.",
                path=path, hint="Use the Research Kit version that wrote it, or upgrade Research Kit.")
        if data.get("checksum") != _checksum(data):
            raise PseudonymisationError(
                "RK-D02", "the key has changed since Research Kit wrote it (its checksum does not match): it was "
                          "edited by hand, damaged, or tampered with, so its pseudonyms cannot be trusted.",
                path=path, hint="Restore it from your backup, or start a new key (a new path); nothing was written.")
        try:
            key = cls(path, language=data.get("language"), title=data["corpus"].get("title"),
                      documents=set(data["corpus"]["documents"]), counters=dict(data.get("counters", {})),
                      created=data.get("created"), exists=True, raw=data, passphrase=passphrase,
                      encrypted=encrypted)
            for entry in data["entries"]:
                if entry["category"] == "doc_id":
                    key.doc_ids[entry["original"]] = entry["pseudonym"]
                else:
                    toks = folded_tokens(entry["original"])
                    if toks:
                        key.entries[toks] = dict(entry)
        except (KeyError, TypeError, AttributeError) as e:
            raise PseudonymisationError(
                "RK-D01", f"the key's structure is damaged (missing {e}).", path=path,
                hint="Restore it from your backup, or start a new key (a new path); nothing was written.") from e
        if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            warn("RK-D21", f"{path}: the key file can be read by other users of this computer; restrict it "
                           f"with `chmod 600 {path}`.", stacklevel=3)
        if not encrypted and passphrase is None:
            _warn_plain(path, stacklevel=3)
        return key

    def check_corpus(self, corpus: Corpus) -> None:
        """Refuse a key that shares neither a document nor the title with ``corpus``."""
        if not self.exists or not self.documents:
            return
        mine = {doc_fingerprint(d) for d in corpus.doc_ids}
        title = corpus.manifest.title
        if mine & self.documents or (title and self.title and str(title) == self.title):
            return
        raise PseudonymisationError(
            "RK-D03", f"this key was made for another corpus ({self.title or 'untitled'!s}, {len(self.documents)} "
                      "documents, none of which is in this corpus).", path=self.path,
            hint="Use the key made for this corpus; or, to start a separate mapping for it, give a new key path "
                 "(its pseudonyms will not match those of the other corpus). Nothing was written.")

    def payload(self) -> dict:
        entries = sorted(self.entries.values(), key=lambda e: (e["category"], e["pseudonym"], e["original"]))
        entries = [{k: e[k] for k in ("original", "pseudonym", "category", "capitalised_only") if k in e}
                   for e in entries]
        entries += [{"original": o, "pseudonym": p, "category": "doc_id"} for o, p in sorted(self.doc_ids.items())]
        data = {
            "format": KEY_FORMAT,
            "version": KEY_VERSION,
            "note": "Pseudonymisation key: it maps pseudonyms back to real people. Keep it private, never share it.",
            "created": self.created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "language": self.language,
            "corpus": {"title": self.title, "documents": sorted(self.documents)},
            "counters": dict(sorted(self.counters.items())),
            "entries": entries,
        }
        data["checksum"] = _checksum(data)
        return data

    def save(self) -> bool:
        """Write the key atomically with owner-only permissions when it changed; return whether it did.

        With a passphrase it is written encrypted (a plain key is rewritten encrypted even
        when nothing else changed); the plain JSON never touches the disk then.
        """
        data = self.payload()
        encrypt = self.passphrase is not None
        if (self.raw is not None and encrypt == self.encrypted
                and _canonical({**data, "created": self.raw.get("created")}) == _canonical(self.raw)):
            return False
        self.created = data["created"]
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new folder for keys: private too
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if encrypt:
            atomic_write_bytes(self.path, _seal(text.encode("utf-8"), self.passphrase, self.path), permissions=0o600)
        else:
            atomic_write_text(self.path, text, permissions=0o600)
        self.raw = data
        self.exists = True
        self.encrypted = encrypt
        if not encrypt:
            _warn_plain(self.path, stacklevel=3)
        return True


def replace_with_key(text: str, key: Key, *, slug: bool = False) -> str:
    """``text`` with every original the key knows replaced by its pseudonym (slugged with ``slug=True``)."""
    phrases = PhraseMatcher()
    for toks, entry in key.entries.items():
        if entry["category"] != "label":
            phrases.add(toks, entry)
    parts, pos = [], 0
    for s, e, entry in phrases.find(text, compounds=not slug, accept=lambda s, e, entry: not entry.get(
            "capitalised_only") or caps_ok(entry["original"], text[s:e])):
        parts += [text[pos:s], folded_slug(entry["pseudonym"]) if slug else str(entry["pseudonym"])]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


# ---------------------------------------------------------------------------
# back to the originals


def reveal(pseudonym: str, key: str | os.PathLike, *, passphrase: str | None = None) -> list[str]:
    """The originals a pseudonym stands for, the fullest name first: ``[]`` when the key does not know it.

    A numbered pseudonym (``"Médiateur·rice 2"``, ``"Personne 7"``, ``"[lieu 3]"``, a
    renamed document id) gives one person's or place's names (full name, then the
    variants found); a generic token (``"[téléphone]"``, ``"[prénom]"``) gives every
    original it replaced. ``passphrase`` opens an encrypted key.
    """
    return _reveal(Key.load(key, must_exist=True, passphrase=passphrase), " ".join(str(pseudonym).split()))


def _reveal(key: Key, wanted: str) -> list[str]:
    found = [e for e in key.entries.values() if e["pseudonym"] == wanted]
    found += [{"original": o, "category": "doc_id"} for o, p in key.doc_ids.items() if p == wanted]
    rank = {"speaker": 0, "person": 0, "place": 0, "organisation": 0, "doc_id": 0, "label": 1, "variant": 2}
    found.sort(key=lambda e: (rank.get(e["category"], 1), -len(e["original"].split()), -len(e["original"]),
                              e["original"]))
    return [e["original"] for e in found]


def unpseudonymise(text: str, key: str | os.PathLike, *, passphrase: str | None = None) -> str:
    """Put the originals back in a text: each numbered pseudonym becomes the person's (place's) fullest name.

    Generic tokens (``[téléphone]``, ``[prénom]``…) stay: they stand for several originals.
    ``passphrase`` opens an encrypted key.
    """
    the_key = Key.load(key, must_exist=True, passphrase=passphrase)
    canonical: dict[str, str] = {}
    generic = {v for lang in LABELS.values() for v in lang.values() if v.startswith("[")}
    for pseudonym in {e["pseudonym"] for e in the_key.entries.values()} - generic:
        names = _reveal(the_key, pseudonym)
        if names:
            canonical[pseudonym] = names[0]
    if not canonical:
        return text
    pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(re.escape(p) for p in sorted(canonical, key=len, reverse=True))
                         + r")(?![\w\d])")
    return pattern.sub(lambda m: canonical[m.group()], text)


# ---------------------------------------------------------------------------
# protecting a key at rest


def encrypt_key(key: str | os.PathLike, *, passphrase: str) -> Path:
    """Encrypt a plain key file in place with ``passphrase``; return its path.

    The key is checked as for any use (``RK-D01``, ``RK-D02``, ``RK-D05``) and rewritten
    atomically, owner-only: the plain JSON is replaced, never copied. A key that is already
    encrypted is refused (``RK-D45``). Copies made before (backups) still hold the names.

    Examples
    --------
    >>> encrypt_key("~/research-keys/terrain.json", passphrase=getpass.getpass())  # doctest: +SKIP
    """
    path = Path(key).expanduser()
    if is_encrypted(path):  # said before any passphrase is asked for or checked
        raise PseudonymisationError("RK-D45", "the key is already encrypted; nothing was changed.", path=path,
                                    hint="Use it as it is, with its passphrase.")
    if passphrase is None:
        raise PseudonymisationError("RK-D43", "encrypt_key() needs a passphrase; got None.", path=path,
                                    hint="Pass passphrase=getpass.getpass(); nothing was written.")
    the_key = Key.load(path, must_exist=True, passphrase=passphrase)
    the_key.save()
    return path
