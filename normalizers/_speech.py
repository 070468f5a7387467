"""Spoken e-mail parser behind :func:`normalizers.email.from_speech` (private).

It works on tokens, never on substrings, so words that merely contain "at" or "dot" (Kat, Atkins, Dottie,
Matt, Scott) stay words. The stages:

1. clean up the text (lowercase, ``e-mail`` -> ``email``, ``j-o-h-n`` -> ``j o h n``, apostrophes) and
   split it into at most :data:`MAX_TOKENS` tokens: words, numbers and the symbols ``@ . _ - +``;
2. read phrases into items: separators ("at the rate of", "full stop", "under score"), spelling
   ("b as in boy", "m for mary", NATO runs, "double u", "triple x", letter names next to letters), numbers
   ("nineteen ninety" -> ``1990``, "oh" among digits -> ``0``), fillers (dropped), instructions
   ("all one word"), and the words that end an address or start one ("my email is", "thanks");
3. for each "at" (the last first), read the domain to its right and the local part to its left.

The result is raw text (local-part variants and a domain); the caller validates and ranks it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from normalizers._text import strip_controls

MAX_CHARS = 500
"""Input is cut to this many characters before any work."""
MAX_TOKENS = 100
"""And then to this many tokens."""

# Item kinds.
_AT = "at"  # "@", "at sign", "at the rate of": certainly the separator
_ATW = "atw"  # the bare word "at": maybe the separator
_SEP = "sep"  # one of . _ - +
_LETTER = "letter"
_DIGITS = "digits"
_WORD = "word"
_NUMW = "numw"  # a number word, resolved into _DIGITS
_OH = "oh"  # "oh": zero among digits, a filler elsewhere
_BREAK = "break"  # ends an address or starts one ("is", "thanks")
_ONEWORD = "oneword"  # "all one word", "no spaces"

_Item = tuple[str, str]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORDS = frozenset({*_UNITS, *_TEENS, *_TENS, "hundred", "thousand"})

_NATO = {
    "alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e", "foxtrot": "f",
    "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "juliett": "j", "kilo": "k", "lima": "l",
    "mike": "m", "november": "n", "oscar": "o", "papa": "p", "quebec": "q", "romeo": "r", "sierra": "s",
    "tango": "t", "uniform": "u", "victor": "v", "whiskey": "w", "whisky": "w", "xray": "x",
    "yankee": "y", "zulu": "z",
}  # fmt: skip
"""Read as letters only in a run of two or more, or after "as in" / "for" / "like"."""

_LETTER_NAMES = {
    "bee": "b", "cee": "c", "see": "c", "dee": "d", "eff": "f", "gee": "g", "aitch": "h", "jay": "j",
    "kay": "k", "el": "l", "ell": "l", "em": "m", "en": "n", "pee": "p", "cue": "q", "queue": "q",
    "ar": "r", "ess": "s", "tee": "t", "vee": "v", "ex": "x", "why": "y", "zee": "z", "zed": "z",
}  # fmt: skip
"""How engines write spelled letters; read as letters only next to another letter."""

_FILLERS = frozenset({"uh", "uhh", "um", "umm", "uhm", "er", "erm", "ah", "ahh", "hmm", "mm", "mhm", "like"})

_BREAK_WORDS = frozenset({
    "is", "its", "it", "was", "thats", "this", "email", "emails", "address", "my", "me", "to", "please",
    "thanks", "thank", "and", "or", "but", "so", "ok", "okay", "yes", "yeah", "sure", "well", "then",
    "that", "bye", "goodbye", "again", "you", "your", "the", "mailto", "send", "reach", "if", "im", "just",
    "use", "try", "actually", "sorry", "no", "not", "wait", "mean", "correction", "id",
})  # fmt: skip
"""Words that are not part of an address: the local part starts after the last one before the "at", and
the domain ends at the first one after it ("me" only when no dot follows: "me dot com" is Apple's)."""

_DOMAIN_KEEPS_WHEN_DOTTED = frozenset({"me", "to", "my", "it", "is", "no", "so"})
"""Break words that are also labels of real domains (``me.com``, ``.to``, ``.my``, ``.it``, ``.is``...)."""

# Multi-word phrases, longest first per first word. Values are the items they become.
_PHRASES: dict[tuple[str, ...], tuple[_Item, ...]] = {
    ("at", "the", "rate", "of"): ((_AT, "@"),),
    ("at", "the", "rates", "of"): ((_AT, "@"),),
    ("at", "the", "rate"): ((_AT, "@"),),
    ("at", "the", "rates"): ((_AT, "@"),),
    ("at", "rate", "of"): ((_AT, "@"),),
    ("at", "rate"): ((_AT, "@"),),
    ("at", "the", "sign"): ((_AT, "@"),),
    ("at", "sign"): ((_AT, "@"),),
    ("at", "symbol"): ((_AT, "@"),),
    ("at", "and", "t"): ((_WORD, "att"),),
    ("a", "t", "and", "t"): ((_WORD, "att"),),
    ("full", "stop"): ((_SEP, "."),),
    ("under", "score"): ((_SEP, "_"),),
    ("plus", "sign"): ((_SEP, "+"),),
    ("dash", "sign"): ((_SEP, "-"),),
    ("double", "u"): ((_LETTER, "w"),),
    ("double", "you"): ((_LETTER, "w"),),
    ("all", "one", "word"): ((_ONEWORD, ""),),
    ("one", "word"): ((_ONEWORD, ""),),
    ("no", "spaces"): ((_ONEWORD, ""),),
    ("no", "space"): ((_ONEWORD, ""),),
    ("all", "together"): ((_ONEWORD, ""),),
    ("all", "lower", "case"): (),
    ("all", "lowercase"): (),
    ("all", "small", "letters"): (),
    ("all", "in", "lowercase"): (),
    ("all", "in", "lower", "case"): (),
    ("lower", "case"): (),
    ("upper", "case"): (),
    ("small", "letters"): (),
    ("thank", "you"): ((_BREAK, "thanks"),),
    ("e", "mail"): ((_BREAK, "email"),),
    ("gee", "mail"): ((_WORD, "gmail"),),
    ("gee", "male"): ((_WORD, "gmail"),),
    ("g", "male"): ((_WORD, "gmail"),),
    ("jee", "mail"): ((_WORD, "gmail"),),
    ("hot", "male"): ((_WORD, "hotmail"),),
    ("why", "ahoo"): ((_WORD, "yahoo"),),
    ("i", "clod"): ((_WORD, "icloud"),),
    ("eye", "cloud"): ((_WORD, "icloud"),),
    ("google", "mail"): ((_WORD, "googlemail"),),
}
_PHRASE_FIRSTS: dict[str, list[tuple[str, ...]]] = {}
for _key in sorted(_PHRASES, key=len, reverse=True):
    _PHRASE_FIRSTS.setdefault(_key[0], []).append(_key)

_SINGLE_WORDS: dict[str, tuple[_Item, ...]] = {
    "@": ((_AT, "@"),),
    "at": ((_ATW, "at"),),
    ".": ((_SEP, "."),),
    "dot": ((_SEP, "."),),
    "dots": ((_SEP, "."),),
    "period": ((_SEP, "."),),
    "point": ((_SEP, "."),),
    "_": ((_SEP, "_"),),
    "underscore": ((_SEP, "_"),),
    "underline": ((_SEP, "_"),),
    "-": ((_SEP, "-"),),
    "dash": ((_SEP, "-"),),
    "hyphen": ((_SEP, "-"),),
    "minus": ((_SEP, "-"),),
    "+": ((_SEP, "+"),),
    "plus": ((_SEP, "+"),),
    "capital": (),
    "capitals": (),
    "caps": (),
    "uppercase": (),
    "lowercase": (),
    "oh": ((_OH, "oh"),),
}

_CCTLD_AFTER_CO = frozenset({"uk", "jp", "nz", "za", "in", "il", "kr", "au", "br", "mx", "ar", "tr", "sg"})

_SPELLED_HYPHENS = re.compile(r"(?<![\w-])(?:[^\W_]-){2,}[^\W_](?![\w-])")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)['’](?=\w)")
_TOKEN = re.compile(r"[^\W_]+|[@._+\-]")
_REWRITES = (
    (re.compile(r"\be-mail\b"), "email"),
    (re.compile(r"\bdot-?(com|net|org|edu|gov)\b"), r"dot \1"),
    (re.compile(r"\bx-ray\b"), "xray"),
    (re.compile(r"\bat\s*&\s*t\b"), "att"),
    (re.compile(r"&"), " and "),
)


@dataclass(frozen=True, slots=True)
class Parse:
    """One reading of a transcript: local-part variants (best first), a raw domain and a confidence."""

    locals: list[str]
    domain: str
    confidence: float


def tokens(text: str) -> list[str]:
    """Lowercased tokens: words, digit runs and the symbols ``@ . _ - +``.

    >>> tokens("It's J-O-H-N.Smith@Gmail.com!")
    ['its', 'j', 'o', 'h', 'n', '.', 'smith', '@', 'gmail', '.', 'com']
    """
    t = strip_controls(text[:MAX_CHARS]).lower()
    for pattern, replacement in _REWRITES:
        t = pattern.sub(replacement, t)
    t = _APOSTROPHE_IN_WORD.sub("", t)
    t = _SPELLED_HYPHENS.sub(lambda m: m.group(0).replace("-", " "), t)
    found = _TOKEN.findall(t)
    # "dotcom" in one word
    out: list[str] = []
    for tok in found[:MAX_TOKENS]:
        if tok.startswith("dot") and tok[3:] in ("com", "net", "org"):
            out.extend(("dot", tok[3:]))
        else:
            out.append(tok)
    return out


def _is_letter(tok: str) -> bool:
    return len(tok) == 1 and tok.isalpha()


def _read_items(toks: Sequence[str]) -> list[_Item]:
    """Stage 2: phrases, spelling and word classes (numbers are resolved afterwards)."""
    items: list[_Item] = []
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        # multi-word phrases
        matched = False
        for key in _PHRASE_FIRSTS.get(tok, ()):
            if tuple(toks[i : i + len(key)]) == key:
                items.extend(_PHRASES[key])
                i += len(key)
                matched = True
                break
        if matched:
            continue
        # "b as in boy", "m for mary", "s like sam", "b is for boy"
        if _is_letter(tok) or tok in _NATO:
            letter = tok if _is_letter(tok) else _NATO[tok]
            rest = toks[i + 1 : i + 4]
            skip = 0
            as_in = rest[:2] == ["as", "in"]
            is_for = rest[:2] == ["is", "for"] and rest[2:3] != [] and rest[2][:1] == letter
            if (as_in or is_for) and len(rest) == 3:
                skip = 3
            elif rest[:1] in (["for"], ["like"], ["as"]) and len(rest) >= 2 and rest[1][:1] == letter:
                skip = 2
            if skip and rest[skip - 1].isalpha() and len(rest[skip - 1]) > 1:
                items.append((_LETTER, letter))
                i += 1 + skip
                continue
        # double / triple
        if tok in ("double", "triple") and i + 1 < n:
            times = 2 if tok == "double" else 3
            nxt = toks[i + 1]
            if _is_letter(nxt) or nxt in _LETTER_NAMES:
                items.extend([(_LETTER, _LETTER_NAMES.get(nxt, nxt))] * times)
                i += 2
                continue
            if nxt in _UNITS or nxt.isdigit() or nxt == "oh":
                digit = "0" if nxt == "oh" else str(_UNITS[nxt]) if nxt in _UNITS else nxt
                items.append((_DIGITS, digit * times))
                i += 2
                continue
        # NATO runs
        if tok in _NATO and i + 1 < n and toks[i + 1] in _NATO:
            while i < n and toks[i] in _NATO:
                items.append((_LETTER, _NATO[toks[i]]))
                i += 1
            continue
        if tok in _SINGLE_WORDS:
            items.extend(_SINGLE_WORDS[tok])
        elif tok in _FILLERS:
            pass
        elif _is_letter(tok):
            items.append((_LETTER, tok))
        elif tok.isdigit():
            items.append((_DIGITS, tok))
        elif tok in _NUMBER_WORDS:
            items.append((_NUMW, tok))
        elif tok in _BREAK_WORDS:
            items.append((_BREAK, tok))
        else:
            items.append((_WORD, tok))
        i += 1
    return _letter_names(items)


def _letter_names(items: list[_Item]) -> list[_Item]:
    """In a run of two or more letters, letter names ("bee", "ex") and "oh" are letters too ("jay oh bee")."""

    def letterish(item: _Item) -> bool:
        kind, value = item
        return kind in (_LETTER, _OH) or (kind == _WORD and value in _LETTER_NAMES)

    i, n = 0, len(items)
    while i < n:
        j = i
        while j < n and letterish(items[j]):
            j += 1
        if j - i >= 2 and sum(items[k][0] != _OH for k in range(i, j)) >= 2:
            for k in range(i, j):
                kind, value = items[k]
                if kind == _OH:
                    items[k] = (_LETTER, "o")
                elif kind == _WORD:
                    items[k] = (_LETTER, _LETTER_NAMES[value])
        i = max(j, i + 1)
    return items


def _number_value(words: Sequence[str]) -> str:
    """Digits for a run of number words and digit strings.

    >>> _number_value(["nineteen", "ninety"]), _number_value(["two", "thousand", "and", "five"])
    ('1990', '2005')
    >>> _number_value(["one", "hundred", "twenty", "three"]), _number_value(["oh", "seven"])
    ('123', '07')
    """
    out: list[str] = []
    i, n = 0, len(words)

    def small(j: int) -> tuple[int | None, int]:
        """A number below 100 starting at ``j`` (tens [+ unit], teen, or unit): value and next index."""
        if j < n and words[j] in _TENS:
            value = _TENS[words[j]]
            if j + 1 < n and words[j + 1] in _UNITS and _UNITS[words[j + 1]] > 0:
                return value + _UNITS[words[j + 1]], j + 2
            return value, j + 1
        if j < n and words[j] in _TEENS:
            return _TEENS[words[j]], j + 1
        if j < n and words[j] in _UNITS:
            return _UNITS[words[j]], j + 1
        return None, j

    def tail(j: int) -> tuple[int | None, int]:
        """What may follow "hundred" / "thousand": optional "and", then a number below 100."""
        if j < n and words[j] == "and":
            value, k = small(j + 1)
            return (value, k) if value is not None else (None, j)
        return small(j)

    while i < n:
        w = words[i]
        if w.isdigit():
            out.append(w)
            i += 1
        elif w in ("oh", "o"):
            out.append("0")
            i += 1
        elif w == "and":
            i += 1
        elif w in ("hundred", "thousand") or (
            i + 1 < n and words[i + 1] in ("hundred", "thousand") and (w in _UNITS or w in _TEENS)
        ):
            multiplier_first = w in ("hundred", "thousand")
            base = 1 if multiplier_first else (_UNITS.get(w) or _TEENS.get(w) or 0)
            j = i if multiplier_first else i + 1
            total = base * (100 if words[j] == "hundred" else 1000)
            j += 1
            if words[j - 1] == "thousand" and j + 1 < n and words[j] in _UNITS and words[j + 1] == "hundred":
                total += _UNITS[words[j]] * 100
                j += 2
            rest, j2 = tail(j)
            if rest is not None:
                total += rest
                j = j2
            out.append(str(total))
            i = j
        else:
            value, j = small(i)
            if value is None:  # cannot happen for well-formed runs; be safe
                i += 1
                continue
            out.append(str(value))
            i = j
    return "".join(out)


def _resolve_numbers(items: list[_Item]) -> list[_Item]:
    """Turn runs of number words, digit strings and "oh" among them into one digits item."""
    n = len(items)

    def numeric(j: int) -> bool:
        return 0 <= j < n and items[j][0] in (_NUMW, _DIGITS)

    out: list[_Item] = []
    i = 0
    while i < n:
        kind, value = items[i]
        starts_run = kind in (_NUMW, _DIGITS) or (kind == _OH and (numeric(i - 1) or numeric(i + 1)))
        if not starts_run:
            if kind != _OH:  # a lone "oh" is a filler
                out.append((kind, value))
            i += 1
            continue
        run: list[str] = []
        while i < n:
            kind, value = items[i]
            if kind in (_NUMW, _DIGITS):
                run.append(value)
            elif kind == _OH or (kind == _LETTER and value == "o" and numeric(i - 1) and numeric(i + 1)):
                run.append("oh")
            elif (
                kind == _BREAK
                and value == "and"
                and run
                and run[-1] in ("hundred", "thousand")
                and i + 1 < n
                and items[i + 1][0] == _NUMW
            ):
                run.append("and")
            else:
                break
            i += 1
        out.append((_DIGITS, _number_value(run)))
    return out


def _items(text: str) -> list[_Item]:
    return _resolve_numbers(_read_items(tokens(text)))


def _read_domain(items: Sequence[_Item], start: int) -> str | None:
    """The domain spoken from ``start`` on, labels joined by dots; ``None`` if there is none."""
    n = len(items)
    labels: list[str] = []
    label = ""
    i = start
    # the first label: everything up to the first dot
    while i < n:
        kind, value = items[i]
        hyphen = kind == _SEP and value == "-" and bool(label)
        dotted_break = (
            kind == _BREAK and not label and value in _DOMAIN_KEEPS_WHEN_DOTTED and _dot_at(items, i + 1)
        )
        if kind in (_LETTER, _DIGITS, _WORD) or hyphen or dotted_break:
            label += value
        elif kind == _ONEWORD:
            pass
        else:
            break
        i += 1
    if not label:
        return None
    labels.append(label.strip("-"))
    # further labels: one spoken unit each, after a dot
    while i < n and items[i] == (_SEP, "."):
        j = i + 1
        label = ""
        while j < n:
            kind, value = items[j]
            if kind == _LETTER:
                takes = not label or (label[-1:].isalpha() and _is_letter_run(items, j))
            elif kind in (_WORD, _DIGITS):
                takes = not label or label.endswith("-")
            elif kind == _BREAK:
                takes = not label and value in _DOMAIN_KEEPS_WHEN_DOTTED
            else:
                takes = kind == _SEP and value == "-" and bool(label)
            if not takes:
                break
            label += value
            j += 1
        label = label.strip("-")
        if not label:
            break
        labels.append(label)
        i = j
        if (
            label in ("co", "com", "ac", "org", "net", "gov")
            and i < n
            and items[i][0] in (_WORD, _BREAK)
            and items[i][1] in _CCTLD_AFTER_CO
        ):
            labels.append(items[i][1])
            i += 1
    return ".".join(labels)


def _dot_at(items: Sequence[_Item], i: int) -> bool:
    """Whether a dot or a hyphen comes at ``i`` ("at me dot com", "at my dash company dot com")."""
    return i < len(items) and items[i] in ((_SEP, "."), (_SEP, "-"))


def _is_letter_run(items: Sequence[_Item], j: int) -> bool:
    """Whether the letter at ``j`` continues a run of single spoken letters."""
    return j > 0 and items[j - 1][0] == _LETTER


def _local_start(items: Sequence[_Item], at: int) -> int:
    """Where the local part starts: after the last break word (or other "at") before ``at``.

    A break word next to an instruction does not count: "smith, lowercase and all one word, at ...".
    """
    i = at
    while i > 0 and at - i < 24:
        kind = items[i - 1][0]
        if kind in (_AT, _ATW):
            break
        if kind == _BREAK and not (items[i][0] == _ONEWORD or (i > 1 and items[i - 2][0] == _ONEWORD)):
            break
        i -= 1
    return i


_JOINS = ("", ".", "_", "-")


def _read_local(items: Sequence[_Item]) -> tuple[list[str], float]:
    """Local-part variants (best first) and a confidence, from the items between the start and the "at"."""
    one_word = any(kind == _ONEWORD for kind, _ in items)
    pieces: list[tuple[str, str]] = []  # (kind, text) with kind in word / spell / num / sep
    for kind, value in items:
        if kind == _ONEWORD:
            continue
        if kind == _SEP:
            pieces.append(("sep", value))
        elif kind == _WORD:
            pieces.append(("word", value))
        elif kind in (_LETTER, _DIGITS):
            piece_kind = "spell" if kind == _LETTER else "num"
            if pieces and pieces[-1][0] in ("spell", "num"):
                # letters and digits run together: "a one b two" -> a1b2
                merged = "num" if piece_kind == pieces[-1][0] == "num" else "spell"
                pieces[-1] = (merged, pieces[-1][1] + value)
            else:
                pieces.append((piece_kind, value))
    while pieces and pieces[0][0] == "sep":
        pieces.pop(0)
    while pieces and pieces[-1][0] == "sep":
        pieces.pop()
    if not pieces:
        return [], 0.0
    # Which boundaries are ambiguous: two word-like pieces with no spoken separator between them.
    fixed: list[str] = [pieces[0][1]]  # alternating: text, join, text, join...
    ambiguous: list[int] = []
    for (prev_kind, _), (kind, text) in itertools.pairwise(pieces):
        if kind == "sep" or prev_kind == "sep" or kind == "num" or prev_kind == "num" or one_word:
            fixed.append("")
        else:
            ambiguous.append(len(fixed))
            fixed.append("")
        fixed.append(text)
    words = sum(1 for kind, _ in pieces if kind == "word")
    confidence = 0.95 if words <= 3 else 0.6
    if not ambiguous:
        return ["".join(fixed)], confidence
    k = len(ambiguous)
    patterns: list[tuple[str, ...]] = [(j,) * k for j in _JOINS]
    if k == 2:
        patterns += [p for p in itertools.product(_JOINS[:3], repeat=2) if p not in patterns]
    variants: list[str] = []
    for pattern in patterns[:8]:
        parts = list(fixed)
        for position, join in zip(ambiguous, pattern, strict=True):
            parts[position] = join
        variants.append("".join(parts))
    return variants, confidence * (0.6 if k == 1 else 0.45)


def parse(text: str) -> Iterator[Parse]:
    """Readings of ``text``, the most likely first: one per "at" with something on both sides.

    >>> [(p.locals[:2], p.domain) for p in parse("it's john smith at gee mail")]
    [(['johnsmith', 'john.smith'], 'gmail')]
    """
    items = _items(text)
    markers = [i for i, (kind, _) in enumerate(items) if kind == _AT]
    markers.reverse()
    markers += reversed([i for i, (kind, _) in enumerate(items) if kind == _ATW])
    for at in markers:
        domain = _read_domain(items, at + 1)
        if domain is None:
            continue
        locals_, confidence = _read_local(items[_local_start(items, at) : at])
        if locals_:
            yield Parse(locals_, domain, confidence)
