"""Class-link codes of the teaching cases, pure: a short code per case id, and the index back.

Many case ids name the diagnosis (`tc-prostate-cancer-weak-legs`) and a class link is projected to
the room, so a link names the case by a short code derived from its id instead. The code is stable
(a hash of the id), so a link handed out last term still opens the same case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

CODE_LENGTH = 6
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
"""Digits and lower-case letters without the look-alikes 0/o, 1/l/i: a code read out or typed from
the projector is not mistaken."""


def case_code(case_id: str) -> str:
    """The short, stable code of a case id used in class links (it does not give the diagnosis away)."""
    digest = int.from_bytes(hashlib.sha256(case_id.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        digest, rest = divmod(digest, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[rest])
    return "".join(chars)


def code_index(case_ids: Iterable[str]) -> dict[str, str]:
    """Code -> case id for a library. Raises ValueError if two ids share a code (a test checks the shipped one)."""
    index: dict[str, str] = {}
    for cid in case_ids:
        code = case_code(cid)
        if code in index:
            msg = f"cases '{index[code]}' and '{cid}' share the link code '{code}'"
            raise ValueError(msg)
        index[code] = cid
    return index
