"""The pseudonymisation key: one file that decides, and remembers, every pseudonym.

A JSON file (:data:`KEY_FORMAT`, version :data:`KEY_VERSION`) holding each original and
its pseudonym, the counters that number new ones, and fingerprints of the documents it
was made for. It carries a checksum (an edited key is refused, ``RK-D02``), is written
atomically with owner-only permissions (a key others can read warns, ``RK-D21``), and
never lies where outputs go (:func:`check_location`). With it a researcher can go back
to the originals (:func:`reveal`, :func:`unpseudonymise`).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._io import atomic_write_text, content_hash
from ..corpus import Corpus
from ..errors import PseudonymisationError, warn
from .detect import LABELS
from .matcher import PhraseMatcher, caps_ok, folded_slug, folded_tokens

KEY_FORMAT = "research-kit pseudonymisation key"
KEY_VERSION = 1


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
    """The key file in memory: entries by folded phrase, counters, fingerprint."""

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

    @classmethod
    def load(cls, path: str | os.PathLike, *, must_exist: bool = False) -> "Key":
        path = Path(path)
        if not path.exists():
            if must_exist:
                raise PseudonymisationError("RK-D01", "no such key file.", path=path,
                                            hint="Give the key file that pseudonymise() wrote for this corpus.")
            return cls(path)
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
                      created=data.get("created"), exists=True, raw=data)
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
        """Write the key atomically with owner-only permissions when it changed; return whether it did."""
        data = self.payload()
        if self.raw is not None and _canonical({**data, "created": self.raw.get("created")}) == _canonical(self.raw):
            return False
        self.created = data["created"]
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new folder for keys: private too
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", permissions=0o600)
        self.raw = data
        self.exists = True
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


def reveal(pseudonym: str, key: str | os.PathLike) -> list[str]:
    """The originals a pseudonym stands for, the fullest name first: ``[]`` when the key does not know it.

    A numbered pseudonym (``"Médiateur·rice 2"``, ``"Personne 7"``, ``"[lieu 3]"``, a
    renamed document id) gives one person's or place's names (full name, then the
    variants found); a generic token (``"[téléphone]"``, ``"[prénom]"``) gives every
    original it replaced.
    """
    return _reveal(Key.load(key, must_exist=True), " ".join(str(pseudonym).split()))


def _reveal(key: Key, wanted: str) -> list[str]:
    found = [e for e in key.entries.values() if e["pseudonym"] == wanted]
    found += [{"original": o, "category": "doc_id"} for o, p in key.doc_ids.items() if p == wanted]
    rank = {"speaker": 0, "person": 0, "place": 0, "organisation": 0, "doc_id": 0, "label": 1, "variant": 2}
    found.sort(key=lambda e: (rank.get(e["category"], 1), -len(e["original"].split()), -len(e["original"]),
                              e["original"]))
    return [e["original"] for e in found]


def unpseudonymise(text: str, key: str | os.PathLike) -> str:
    """Put the originals back in a text: each numbered pseudonym becomes the person's (place's) fullest name.

    Generic tokens (``[téléphone]``, ``[prénom]``…) stay: they stand for several originals.
    """
    the_key = Key.load(key, must_exist=True)
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
