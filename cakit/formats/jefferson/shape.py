"""The written shape of a word, shared by both writers.

A token's `clean` form has lost where its stretch colons and in-word laughter sat
(`wo::rd`, `w(h)ord`). The writers recover them from the token's source `text` when the
text agrees with the clean form, and fall back to a plain rendering when it does not (a
token from another notation whose text the walk below cannot read).
"""

from __future__ import annotations

import re

from cakit.model import Event, Feature, Token, Utterance

_LAUGH = re.compile(r"\((h+)\)", re.I)
_NOT_LETTERS = frozenset("Ἡˈˌ")
_INTERNAL = frozenset("-&+./@%_,")


def word_shape(token: Token) -> str:
    """The word with `:` stretches and `(h)` laughter where the source had them.

    Alternative hearings (`(word/ward)`) keep their slash: `"word/ward"`.
    """
    text = token.text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "(":
            laugh = _LAUGH.match(text, i)
            if laugh:
                out.append(laugh.group())
                i = laugh.end()
                continue
        elif ch == "Ἡ":
            out.append("(h)")
        elif ch.isalnum() and ch not in _NOT_LETTERS:
            out.append(ch)
        elif ch in "'’":
            out.append("'")
        elif ch == ":" and out and _stretch_colon(out, text, i):
            out.append(":")
        elif ch in _INTERNAL and out and i + 1 < n and text[i + 1].isalnum():
            out.append(ch)
        i += 1
    shape = "".join(out)
    plain = _LAUGH.sub("", shape)
    clean = token.clean
    if plain.replace(":", "") == clean.replace(":", ""):
        return shape
    if token.features & Feature.UNCERTAIN and "/" in plain:
        first = plain.split("/", 1)[0]
        if first.replace(":", "") == clean.replace(":", ""):
            return shape
    return fallback_shape(token)


def _stretch_colon(out: list[str], text: str, i: int) -> bool:
    """A colon after a letter (a stretch) or between digits (a time) belongs to the word."""
    last = out[-1]
    if last[-1:].isalpha() or last in (":", ")") or last.endswith(")"):
        return True
    return last.isdigit() and i + 1 < len(text) and text[i + 1].isdigit()


def ordered_items(utterance: Utterance) -> list[Token | Event]:
    """Tokens and events in reading order, with ends glued inside a word put after it.

    A reader records a mark glued inside a word (`b⌉`, `tha]t`) before the word's token;
    for writing, an end-type mark found after the word's first character belongs after the
    word, an onset before it.
    """
    items = list(utterance.items())
    result: list[Token | Event] = []
    deferred: list[Event] = []
    for position, item in enumerate(items):
        if isinstance(item, Event):
            if item.inword and item.label.endswith("end"):
                following = next((x for x in items[position + 1 :] if isinstance(x, Token)),
                                 None)
                if (following is not None and following.line == item.line
                        and following.col < item.col <= following.col + len(following.text)):
                    deferred.append(item)
                    continue
            result.append(item)
            continue
        result.append(item)
        result.extend(deferred)
        deferred.clear()
    result.extend(deferred)
    return result


def fallback_shape(token: Token) -> str:
    """`clean` with a stretch at the end and laughter after the first letter, if flagged."""
    body = token.clean
    if token.features & Feature.LAUGH and body:
        body = body[0] + "(h)" + body[1:]
    if token.features & Feature.STRETCHED:
        body += ":"
    return body


def split_alternative(shape: str) -> tuple[str, str]:
    """`"word/ward"` → `("word", "ward")`; a shape without a slash → `(shape, "")`."""
    if "/" not in shape:
        return shape, ""
    first, _, rest = shape.partition("/")
    return first, rest


__all__ = ["fallback_shape", "ordered_items", "split_alternative", "word_shape"]
