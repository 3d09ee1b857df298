"""The key protected at rest (#14): a passphrase, scrypt and AES-256-GCM; plain keys keep working.

Keys are built by hand (three people, one renamed document) where the pseudonymiser is
not what is tested; the command runs end to end on the small test corpus of
tests/data/anonymise, copied to a temporary folder.
"""

import base64
import json
import shutil
import stat
import sys
import unicodedata
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from research_kit.anonymise import leaks, reveal, unpseudonymise
from research_kit.anonymise.key import (
    ENCRYPTED_KEY_FORMAT,
    PASSPHRASE_VARIABLE,
    Key,
    encrypt_key,
    is_encrypted,
    key_passphrase,
)
from research_kit.anonymise.matcher import folded_tokens
from research_kit.cli import main
from research_kit.errors import PseudonymisationError, ResearchKitWarning
from tests.helpers import DATA

PASSPHRASE = "une longue phrase de passe, pas un mot"
PEOPLE = {"Marie-Ève Tremblay": ("Médiatrice 1", "speaker"), "Ginette Gagnon": ("Personne 1", "person"),
          "514 555-0182": ("[téléphone]", "phone")}
DOC_ID = ("entretien-marie-eve-tremblay", "entretien-mediatrice-1")
# what must never be readable in an encrypted key file, however it is encoded
SECRETS = ["Marie-Ève Tremblay", "Marie-Eve", "Tremblay", "Ginette", "Gagnon", "555-0182", "marie-eve-tremblay"]


def make_key(path: Path, passphrase: str | None = None) -> Path:
    """A key that knows three people and one document id, written plain or encrypted."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RK-D46 for a plain key: tested on its own
        key = Key.load(path, passphrase=passphrase)
        for original, (pseudonym, category) in PEOPLE.items():
            key.entries[folded_tokens(original)] = {"original": original, "pseudonym": pseudonym,
                                                    "category": category}
        key.doc_ids[DOC_ID[0]] = DOC_ID[1]
        key.counters.update({"Médiatrice": 2, "Personne": 2})
        key.language = "fr"
        key.save()
    return path


def readable_forms(secret: str) -> list[bytes]:
    """``secret`` as a file could hold it: UTF-8, accents folded, JSON-escaped, any case."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", secret) if not unicodedata.combining(c))
    forms = {secret, secret.casefold(), folded, folded.casefold(), json.dumps(secret)[1:-1]}
    return [f.encode("utf-8") for f in forms]


def holds(data: bytes, secret: str) -> bool:
    return any(form in data or form.lower() in data.lower() for form in readable_forms(secret))


def plant(path: Path, change) -> None:
    """Rewrite the encrypted key file after ``change(data)`` edits its JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def flip_ciphertext_byte(data: dict) -> None:
    sealed = bytearray(base64.b64decode(data["ciphertext"]))
    sealed[len(sealed) // 2] ^= 0x01
    data["ciphertext"] = base64.b64encode(bytes(sealed)).decode("ascii")


def plain_warnings(record) -> list[str]:
    return [str(w.message) for w in record if isinstance(w.message, ResearchKitWarning) and w.message.code == "RK-D46"]


# ---------------------------------------------------------------------------
# the library


def test_an_encrypted_key_opens_with_its_passphrase_and_keeps_every_entry(tmp_path):
    plain = Key.load(make_key(tmp_path / "plain.json"))
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    assert is_encrypted(path) and not is_encrypted(tmp_path / "plain.json")
    header = json.loads(path.read_text(encoding="utf-8"))
    assert (header["format"], header["version"]) == (ENCRYPTED_KEY_FORMAT, 1)
    assert header["kdf"]["name"] == "scrypt" and header["kdf"]["n"] >= 2 ** 17
    assert header["cipher"]["name"] == "AES-256-GCM"
    key = Key.load(path, passphrase=PASSPHRASE)
    assert key.encrypted and (key.entries, key.doc_ids, key.counters) == (plain.entries, plain.doc_ids, plain.counters)
    assert reveal("Médiatrice 1", path, passphrase=PASSPHRASE) == ["Marie-Ève Tremblay"]
    assert reveal(DOC_ID[1], path, passphrase=PASSPHRASE) == [DOC_ID[0]]
    assert unpseudonymise("Médiatrice 1 a appelé Personne 1.", path, passphrase=PASSPHRASE) == \
        "Marie-Ève Tremblay a appelé Ginette Gagnon."
    assert PASSPHRASE not in repr(key)


def test_the_encrypted_file_holds_no_name_and_no_passphrase(tmp_path):
    plain = make_key(tmp_path / "plain" / "key.json").read_bytes()
    assert all(holds(plain, s) for s in SECRETS)  # the search finds them where they are
    folder = tmp_path / "private"
    path = make_key(folder / "key.json", PASSPHRASE)
    data = path.read_bytes()
    assert not [s for s in SECRETS + [PASSPHRASE] if holds(data, s)]
    assert [p.name for p in folder.iterdir()] == ["key.json"]  # no temporary file left, plain or not
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_wrong_passphrase_is_refused_naming_the_key_and_what_to_do(tmp_path):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    before = path.read_bytes()
    with pytest.raises(PseudonymisationError, match="RK-D41") as caught:
        reveal("Médiatrice 1", path, passphrase=PASSPHRASE + " ")
    message = str(caught.value)
    assert str(path) in message and "wrong passphrase" in message and PASSPHRASE_VARIABLE in message
    assert caught.value.__cause__ is None  # nothing of cryptography's to show
    assert path.read_bytes() == before


@pytest.mark.parametrize("change", [
    flip_ciphertext_byte,
    lambda d: d.update(ciphertext=d["ciphertext"][:-8]),
    lambda d: d.update(note="edited"),
    lambda d: d["cipher"].update(nonce=base64.b64encode(bytes(12)).decode("ascii")),
    lambda d: d.update(ciphertext="not base 64!"),
    lambda d: d.pop("kdf"),
    lambda d: d["kdf"].update(n=2 ** 40),  # refused at once, not obeyed (that would take terabytes)
    lambda d: d["kdf"].update(name="md5"),
], ids=["ciphertext-byte", "truncated", "note", "nonce", "base64", "no-kdf", "huge-cost", "other-kdf"])
def test_an_altered_encrypted_key_is_refused(tmp_path, change):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    plant(path, change)
    with pytest.raises(PseudonymisationError, match="RK-D42") as caught:
        Key.load(path, passphrase=PASSPHRASE)
    assert str(path) in str(caught.value) and "backup" in str(caught.value)


def test_an_altered_salt_reads_as_a_wrong_passphrase(tmp_path):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    plant(path, lambda d: d["kdf"].update(salt=base64.b64encode(bytes(16)).decode("ascii")))
    with pytest.raises(PseudonymisationError, match="RK-D41"):
        Key.load(path, passphrase=PASSPHRASE)


def test_an_encrypted_key_read_without_a_passphrase_says_one_is_needed(tmp_path):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    with pytest.raises(PseudonymisationError, match="RK-D40") as caught:
        reveal("Médiatrice 1", path)
    assert str(path) in str(caught.value) and "passphrase" in str(caught.value)
    with pytest.raises(PseudonymisationError, match="RK-D40"):
        leaks("Ginette Gagnon", path)  # a function without passphrase= of its own
    with key_passphrase(PASSPHRASE):
        assert [f["original"] for f in leaks("Ginette Gagnon est venue.", path)] == ["Ginette Gagnon"]
        assert reveal("Personne 1", path) == ["Ginette Gagnon"]
    with pytest.raises(PseudonymisationError, match="RK-D40"):
        reveal("Personne 1", path)  # the block is over


def test_a_plain_key_keeps_working_and_warns_once(tmp_path):
    # a copy: make_key's own writing was warned about (once per key file and session)
    path = Path(shutil.copy(make_key(tmp_path / "made.json"), tmp_path / "key.json"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert reveal("Médiatrice 1", path) == ["Marie-Ève Tremblay"]
        assert reveal("Personne 1", path) == ["Ginette Gagnon"]
    said = plain_warnings(record)
    assert len(said) == 1 and said[0].startswith(f"[RK-D46] {path}: the key is not encrypted")
    assert f"research-kit key encrypt {path}" in said[0]
    other = Path(shutil.copy(path, tmp_path / "other.json"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Key.load(other, passphrase=PASSPHRASE)  # about to be encrypted: nothing to suggest
    assert plain_warnings(record) == []


def test_an_encrypted_key_stays_encrypted_and_is_rewritten_only_when_it_changes(tmp_path):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    before = path.read_bytes()
    assert Key.load(path, passphrase=PASSPHRASE).save() is False
    assert path.read_bytes() == before
    key = Key.load(path, passphrase=PASSPHRASE)
    key.entries[folded_tokens("Karim Benali")] = {"original": "Karim Benali", "pseudonym": "Habitant 1",
                                                  "category": "speaker"}
    assert key.save() is True
    after = path.read_bytes()
    assert is_encrypted(path) and not holds(after, "Benali")
    assert json.loads(after)["kdf"]["salt"] != json.loads(before)["kdf"]["salt"]  # a fresh salt and nonce
    assert reveal("Habitant 1", path, passphrase=PASSPHRASE) == ["Karim Benali"]


def test_encrypt_key_encrypts_a_plain_key_in_place(tmp_path):
    path = make_key(tmp_path / "key.json")
    with pytest.raises(PseudonymisationError, match="RK-D43"):
        encrypt_key(path, passphrase="")
    assert not is_encrypted(path)
    assert encrypt_key(path, passphrase=PASSPHRASE) == path
    assert is_encrypted(path) and not holds(path.read_bytes(), "Tremblay")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert reveal("Médiatrice 1", path, passphrase=PASSPHRASE) == ["Marie-Ève Tremblay"]
    with pytest.raises(PseudonymisationError, match="RK-D45"):
        encrypt_key(path, passphrase="another one")
    assert reveal("Médiatrice 1", path, passphrase=PASSPHRASE) == ["Marie-Ève Tremblay"]


def test_a_plain_key_given_a_passphrase_is_written_encrypted(tmp_path):
    path = make_key(tmp_path / "key.json")
    assert Key.load(path, passphrase=PASSPHRASE).save() is True  # nothing new, but the form changes
    assert is_encrypted(path)


def test_a_passphrase_with_accents_opens_the_key_whichever_way_they_were_typed(tmp_path):
    composed = unicodedata.normalize("NFC", "clé d'été à Montréal")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    path = make_key(tmp_path / "key.json", composed)
    assert reveal("Personne 1", path, passphrase=decomposed) == ["Ginette Gagnon"]


def test_a_passphrase_that_is_not_a_string_is_refused(tmp_path):
    with pytest.raises(PseudonymisationError, match="RK-D43"):
        Key.load(tmp_path / "key.json", passphrase=b"bytes")
    with pytest.raises(PseudonymisationError, match="RK-D43"):
        with key_passphrase(""):
            pass


def test_without_cryptography_an_encrypted_key_says_what_to_install(tmp_path, monkeypatch):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers.aead", None)
    with pytest.raises(PseudonymisationError, match="RK-D44") as caught:
        reveal("Personne 1", path, passphrase=PASSPHRASE)
    assert "pip install 'cryptography>=42'" in str(caught.value)


def test_an_encrypted_key_of_a_future_version_is_refused(tmp_path):
    path = make_key(tmp_path / "key.json", PASSPHRASE)
    plant(path, lambda d: d.update(version=2))
    with pytest.raises(PseudonymisationError, match="RK-D05"):
        Key.load(path, passphrase=PASSPHRASE)


# ---------------------------------------------------------------------------
# the command


@pytest.fixture
def corpus(tmp_path) -> Path:
    return Path(shutil.copytree(DATA / "anonymise" / "corpus", tmp_path / "corpus"))


def run(args: list[str], passphrase: str | None = None, input: str | None = None):
    # the variable is removed when not given, whatever the developer's shell has set
    return CliRunner().invoke(main, [str(a) for a in args], env={PASSPHRASE_VARIABLE: passphrase}, input=input)


def test_the_command_keeps_the_key_encrypted_with_the_passphrase_from_the_environment(corpus, tmp_path):
    key = tmp_path / "private" / "key.json"
    first = run(["pseudonymise", corpus, "--key", key, "--to", tmp_path / "out", "--encrypt-key"], PASSPHRASE)
    assert first.exit_code == 0, first.output + first.stderr
    assert is_encrypted(key)
    data = key.read_bytes()
    assert not [s for s in SECRETS + ["Karim Benali", PASSPHRASE] if holds(data, s)]
    assert PASSPHRASE not in first.output + first.stderr
    assert "RK-D46" not in first.stderr and "not encrypted" in first.output  # the report beside it is not
    assert reveal("Médiatrice 1", key, passphrase=PASSPHRASE)[0] == "Marie-Ève Tremblay"
    # later runs: the encrypted key is opened and stays encrypted, without --encrypt-key
    again = run(["pseudonymise", corpus, "--key", key, "--to", tmp_path / "out", "--overwrite"], PASSPHRASE)
    assert again.exit_code == 0, again.output + again.stderr
    assert is_encrypted(key)
    missing = run(["pseudonymise", corpus, "--key", key, "--to", tmp_path / "out2"])
    assert missing.exit_code == 2 and "[RK-D40]" in missing.stderr and PASSPHRASE_VARIABLE in missing.stderr
    wrong = run(["pseudonymise", corpus, "--key", key, "--to", tmp_path / "out3"], "not the passphrase")
    assert wrong.exit_code == 2 and f"[RK-D41] {key}: wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.output + wrong.stderr
    assert not (tmp_path / "out2").exists() and not (tmp_path / "out3").exists()


def test_the_command_warns_once_about_a_plain_key(corpus, tmp_path):
    key = tmp_path / "private" / "key.json"
    result = run(["pseudonymise", corpus, "--key", key, "--to", tmp_path / "out"])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr.count("[RK-D46]") == 1 and not is_encrypted(key)


def test_key_encrypt_asks_twice_and_refuses_a_key_already_encrypted(tmp_path):
    path = make_key(tmp_path / "key.json")
    mismatch = run(["key", "encrypt", path], input="un\ndeux\n")
    assert mismatch.exit_code == 2 and "[RK-D40]" in mismatch.stderr
    assert not is_encrypted(path)
    done = run(["key", "encrypt", path], input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert done.exit_code == 0, done.output + done.stderr
    assert "Repeat the passphrase" in done.stderr and PASSPHRASE not in done.output + done.stderr
    assert reveal("Médiatrice 1", path, passphrase=PASSPHRASE) == ["Marie-Ève Tremblay"]
    again = run(["key", "encrypt", path], PASSPHRASE)
    assert again.exit_code == 2 and "[RK-D45]" in again.stderr


def test_key_encrypt_takes_the_passphrase_from_the_environment(tmp_path):
    path = make_key(tmp_path / "key.json")
    result = run(["key", "encrypt", path], PASSPHRASE)
    assert result.exit_code == 0, result.output + result.stderr
    assert reveal("Personne 1", path, passphrase=PASSPHRASE) == ["Ginette Gagnon"]


@pytest.mark.parametrize("flag, shown", [([], False), (["--progress"], True), (["--no-progress"], False)])
def test_progress_is_shown_when_asked_or_on_a_terminal(tmp_path, monkeypatch, flag, shown):
    seen = {}

    def fake(corpus, folder, *, key, names, keep, report, n_process, overwrite, passphrase=None, progress=None,
             policy=None):
        seen["progress"] = progress
        return pd.DataFrame({"category": ["speaker"], "count": [1]})

    monkeypatch.setattr("research_kit.anonymise.folder.write_pseudonymised", fake)
    (tmp_path / "corpus").mkdir()
    result = run(["pseudonymise", tmp_path / "corpus", "--key", tmp_path / "k.json", "--to", tmp_path / "out", *flag])
    assert result.exit_code == 0, result.output + result.stderr
    assert seen == {"progress": shown}  # the runner's stderr is no terminal
