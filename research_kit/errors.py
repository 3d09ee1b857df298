"""Exceptions and the catalogue of message codes.

Every error the package raises on user input carries a short code (``RK-R03``) so
that a message can be looked up in ``docs/errors.md``, searched for in tests, and
quoted in an issue. A message says *where* (file, line, field), *what* was expected
and what was found, and *what to do*.

Codes by family:

- ``RK-Cxx``: corpus folders and manifests (``corpus.yml``);
- ``RK-Rxx``: reading one transcript file;
- ``RK-Sxx``: frames that do not follow their schema;
- ``RK-Pxx``: parameters of a public function;
- ``RK-Axx``: annotation;
- ``RK-Kxx``: codebooks; ``RK-Gxx``: codings and agreement;
- ``RK-Qxx``: QDA exchange files; ``RK-Dxx``: pseudonymisation; ``RK-Bxx``: briefs.
"""

from __future__ import annotations

import difflib
import numbers
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "ResearchKitError",
    "InputFileError",
    "ManifestError",
    "SchemaError",
    "ParameterError",
    "CodebookError",
    "CodingError",
    "QdaError",
    "PseudonymisationError",
    "BriefError",
    "ProblemsError",
    "UnknownNameError",
    "ResearchKitWarning",
    "warn",
    "check_option",
    "check_int",
    "did_you_mean",
]


def _rebuild(cls: type, args: tuple, state: dict) -> "ResearchKitError":
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ResearchKitError(Exception):
    """Base class of every error raised by Research Kit on purpose.

    Parameters
    ----------
    code
        Short code such as ``"RK-R03"``.
    message
        What happened, with the values involved.
    path, line
        Where, when the problem lies in a file.
    hint
        What the user can do about it.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        # a file name that is not valid UTF-8 reaches us with surrogate escapes: show it, never crash on it
        self.path = None if path is None else str(path).encode("utf-8", "backslashreplace").decode("utf-8")
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        text = f"[{self.code}] {where}{self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text

    def __reduce__(self):
        # every subclass rebuilt from its attributes, whatever its __init__ takes: an error raised on
        # a Dask worker or in a child process reaches the caller as itself
        return (_rebuild, (type(self), self.args, self.__dict__))

    def as_record(self) -> dict[str, object]:
        """The error as one row of a problems frame (see ``schemas.PROBLEMS``)."""
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "message": self.message + (f" {self.hint}" if self.hint else ""),
        }


class UnknownNameError(ResearchKitError, KeyError):
    """A document, code, coder or variable named by the caller does not exist.

    A :class:`KeyError` too, for callers that catch one; its message is the full one
    (KeyError would otherwise show only the repr of its argument).
    """

    __str__ = ResearchKitError.__str__


class InputFileError(ResearchKitError, ValueError):
    """A user's file cannot be read as what it claims to be."""


class ManifestError(InputFileError):
    """A corpus manifest (``corpus.yml``) or front matter is wrong."""


class SchemaError(ResearchKitError, ValueError):
    """A frame lacks a column, or a column has the wrong content."""


class ParameterError(ResearchKitError, ValueError):
    """A function was called with an option it does not accept."""


class CodingError(ResearchKitError, ValueError):
    """Codings point at something that does not exist."""


class QdaError(InputFileError):
    """A REFI-QDA project or codebook cannot be read or written."""


class PseudonymisationError(ResearchKitError, ValueError):
    """A key file or a name list is unusable, or identities would leak."""


class BriefError(ResearchKitError, RuntimeError):
    """A brief failed; ``cell`` names the failing notebook cell when known."""

    def __init__(self, code: str, message: str, *, cell: int | None = None, **kwargs) -> None:
        self.cell = cell
        super().__init__(code, message, **kwargs)


class ProblemsError(ResearchKitError, ValueError):
    """Every problem of one file at once: ``problems`` lists them, each with its line.

    The one shape for "fix all of these": a codebook, a manifest, a batch plan. A caller
    that wants rows gets them from :meth:`records` (``schemas.PROBLEMS``).
    """

    #: the code of the summary message and what has the problems ("the codebook"): each subclass sets both
    summary_code: str
    what: str

    def __init__(self, problems: Sequence[ResearchKitError], *, path: str | Path | None = None):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        n = len(self.problems)
        super().__init__(
            self.summary_code,
            f"{self.what} has {n} problem{'s' if n != 1 else ''}:\n{lines}\n",
            path=path,
            hint="Fix them all in the file and read it again.",
        )
        # where the first problem is, for callers that point an editor at one line
        self.line = next((p.line for p in self.problems if p.line is not None), None)

    def records(self) -> list[dict[str, object]]:
        """One row per problem, as in a problems frame."""
        return [p.as_record() for p in self.problems]


class CodebookError(ProblemsError):
    """A codebook has problems; ``problems`` lists every one of them at once.

    Each problem is an :class:`InputFileError`-like record with a path and a line.
    """

    summary_code = "RK-K00"
    what = "the codebook"


class ResearchKitWarning(UserWarning):
    """A warning of Research Kit; ``code`` (``"RK-A02"``) lets callers filter by code.

    >>> import warnings
    >>> warnings.filterwarnings("ignore", message=r"\\[RK-A02\\]")  # doctest: +SKIP
    """

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")


_CODE = re.compile(r"RK-[A-Z]\d\d")


def warn(code: str, message: str, *, stacklevel: int = 2) -> None:
    """Issue a :class:`ResearchKitWarning` with its code, from the caller's caller.

    ``message`` is what happened and what to do, without the ``[RK-..]`` prefix.
    """
    if not _CODE.fullmatch(code):
        raise ValueError(f"not a Research Kit code: {code!r}")
    warnings.warn(ResearchKitWarning(code, message), stacklevel=stacklevel + 1)


def did_you_mean(value: object, choices: Iterable[object]) -> str:
    """Return ``' Did you mean "x"?'`` when a close choice exists, else ``''``."""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def check_option(name: str, value: object, allowed: Iterable[object], *, function: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``allowed``.

    Parameters
    ----------
    name
        The parameter's name, as the caller wrote it.
    value
        What the caller passed.
    allowed
        The accepted values.
    function
        The public function's name, for the message.
    """
    allowed = list(allowed)
    if value in allowed:
        return
    shown = ", ".join(repr(a) for a in allowed)
    raise ParameterError(
        "RK-P01",
        f"the {name!r} parameter of {function}() must be one of {shown}; got {value!r} instead."
        + did_you_mean(value, allowed),
    )


def check_int(value: object, name: str, *, function: str, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise :class:`ParameterError` (``RK-P23``).

    Booleans are refused (``True`` is not a count); bounds are inclusive.
    """
    ok = not isinstance(value, bool) and isinstance(value, numbers.Integral)
    if ok and minimum is not None and value < minimum:
        ok = False
    if ok and maximum is not None and value > maximum:
        ok = False
    if not ok:
        bounds = " and ".join(b for b in (f">= {minimum}" if minimum is not None else "",
                                          f"<= {maximum}" if maximum is not None else "") if b)
        raise ParameterError(
            "RK-P23",
            f"the {name!r} parameter of {function}() must be a whole number{' ' + bounds if bounds else ''}; "
            f"got {value!r} instead.",
        )
    return int(value)
