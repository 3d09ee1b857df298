"""Pseudonymisation: a copy of a corpus in which participants cannot be named.

:func:`pseudonymise` returns a **new** :class:`~research_kit.corpus.Corpus` (the source
files are only read) in which

- speakers get stable, role-aware pseudonyms (``Médiateur·rice 2``, ``Habitant·e 5``,
  ``Facilitator 1``; ``Participant·e N`` / ``Participant N`` without a role), numbered in
  order of first appearance (documents sorted by date, then id);
- the same people are replaced wherever they are named inside turns, titles, document
  ids, paths and document variables, whatever the case and inside transcribers' notes
  (``[rire de katia]``): speaker labels and their variants (first name,
  last name, ``madame Tremblay``, ``M.-È. Lacasse``, ``Marie-Eve`` without accents),
  person names that spaCy's recogniser finds (through :func:`~research_kit.annotate.annotate`,
  whose cache is reused; no second NLP pass), names announced by a civility, an
  introduction or a relative (``monsieur Claes``, ``je m'appelle Ousmane``, ``mon mari
  Stijn``), names and places that you list, e-mail addresses, phone numbers (Canadian
  and Belgian forms), street addresses and postal codes (Québec ``H2X 1Y4``, Belgian
  four digits next to a commune or after ``B-``; never a bare year or count).

Every name found once is searched in every document, so a person keeps one pseudonym
across the corpus. A name that is also a common word of the corpus (``rose``, ``pierre``)
is hidden only where evidence says it is the person (a capital, a note, a verb of speech
or action, an address…); the report gives each decision, hidden or kept, and its reason.
Pseudonyms take the elision their place needs (``d'Amélie`` -> ``de Personne 4``,
``de Katia`` -> ``d'Animatrice 1``) and keep an English possessive (``Person 4's``).

Places, organisations and details that identify people (streets, local facilities, small
places, dates of birth, ages, occupations tied to a place) are found and ranked by risk; the
**policy** says which are hidden: ``persons`` (people only), ``local`` (the default for a
corpus with identities: also streets, facilities, organisations, places the public gazetteer
does not list as cities, dates of birth) or ``strict`` (everything found). See ``places``.
``docs/pseudonymisation.md`` explains every decision and the known limits.

Everything is decided through a **key file** (JSON, owner-only permissions), created on
the first run and reused afterwards, so that one person keeps one pseudonym in every
brief. A researcher holding the key can map pseudonyms back (:func:`reveal`,
:func:`unpseudonymise`); :func:`leaks` checks texts and files for any original in it.
The key lives apart from every output: never under a ``reports/`` folder, never inside
the corpus folder or the output folder, and no notebook reads it.

Modules
-------
- ``matcher``: folded text (case, accents) and phrase matching at unchanged offsets;
- ``detect``: what identifies people: vocabulary, patterns (e-mails, phones, addresses,
  postal codes), names and keep lists, speaker labels, the recogniser's names and cues;
- ``registry``: who is who: groups of strings naming one person, and their numbering;
- ``places``: streets, facilities, places, organisations, ages, dates of birth; the policies
  and the risks;
- ``mentions``: every mention of a known person: notes, evidence for names that are common
  words, elision and possessives where a pseudonym goes;
- ``key``: the key file (checksummed JSON, owner-only, optionally encrypted with a passphrase),
  where it may live, and the way back;
- ``pseudonymise``: the verb, the replacing, :func:`carry_codings`;
- ``audit``: the replacements report and :func:`leaks`;
- ``folder``: the project layer: corpus folders and the manifest's publication rules.

Public functions
----------------
- :func:`pseudonymise` ``(corpus, *, key, names=(), keep=(), report=False, policy=None)`` -> ``Corpus``,
  or ``(Corpus, replacements)`` with ``report=True``;
- :func:`write_pseudonymised` -- the ``research-kit pseudonymise`` command: reads a corpus
  folder, writes the pseudonymised copy (codings carried over) and the report;
- :func:`carry_codings` -- codings of the original corpus -> codings of the copy;
- :func:`replacement_pairs`, :func:`replacement_counts`, :func:`write_report` -- what was replaced;
- :func:`leaks`, :func:`check_publishable` -- the guarantees the brief runner relies on;
- :func:`reveal`, :func:`unpseudonymise` -- back to the originals, with the key;
- :func:`encrypt_key`, :func:`key_passphrase` -- the key encrypted at rest (every function
  that reads the key takes ``passphrase=``);
- :func:`read_names` -- a names or keep list (text, one per line, or CSV).

The replacements frame
----------------------
One row per replaced string (see :data:`REPLACEMENTS`). It holds the originals: it is
for the researcher's eyes only, like the key. It is also the offset map that
:func:`carry_codings` uses.

Error codes
-----------
``RK-D01`` unreadable key; ``RK-D02`` key changed since written (tampered or
hand-edited); ``RK-D03`` key made for another corpus; ``RK-D04`` key in a place
outputs go; ``RK-D05`` key of an unknown format version; ``RK-D06`` unreadable names
or keep list; ``RK-D07`` names list content; ``RK-D08`` corpus with identities, not
pseudonymised; ``RK-D09`` report in a place outputs go; ``RK-D10`` output folder
unusable; ``RK-D11`` parameter of the wrong type; ``RK-D12`` file :func:`leaks` cannot
read; ``RK-D40`` encrypted key without a passphrase; ``RK-D41`` wrong passphrase;
``RK-D42`` encrypted key altered or damaged; ``RK-D43`` passphrase not a non-empty
string; ``RK-D44`` `cryptography` missing; ``RK-D45`` key already encrypted; ``RK-D30`` unknown policy. Warnings:
``RK-D20`` documents without a named-entity recogniser; ``RK-D21`` a key readable by
other users; ``RK-D46`` a key that is not encrypted.
"""

from __future__ import annotations

from ..schemas import REPLACEMENTS
from .audit import leaks, replacement_counts, replacement_pairs, write_report
from .detect import read_names
from .key import ENCRYPTED_KEY_FORMAT, KEY_FORMAT, KEY_VERSION, encrypt_key, key_passphrase, reveal, unpseudonymise
from .pseudonymise import carry_codings, pseudonymise  # the verb shadows its module: research_kit.pseudonymise

__all__ = [
    "pseudonymise",
    "carry_codings",
    "replacement_pairs",
    "replacement_counts",
    "write_report",
    "leaks",
    "reveal",
    "unpseudonymise",
    "encrypt_key",
    "key_passphrase",
    "read_names",
    "REPLACEMENTS",
    "KEY_FORMAT",
    "KEY_VERSION",
    "ENCRYPTED_KEY_FORMAT",
]
