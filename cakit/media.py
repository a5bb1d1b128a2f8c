"""Media bullets and recordings: readable times, the recording beside a transcript, and
the `<audio>`/`<video>` element that plays one segment of it.

A transcript's recording is looked for only in the transcript's own folder: by the name
its `@Media` header (Jefferson: `Media:`) gives, then by the transcript's own file name,
each with a usual audio or video suffix. The element links the file by a relative path
and a `#t=start,end` media fragment; the recording itself is never read or embedded.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from cakit.model import MediaTime, Transcript

MediaKind = Literal["audio", "video"]
AUDIO_SUFFIXES: tuple[str, ...] = (".wav", ".mp3", ".m4a", ".ogg", ".flac")
VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".webm", ".m4v")

#: A CHAT media bullet between two U+0015 marks: `start_end` in milliseconds (an old-style
#: skip bullet ends in `-`), or anything else such a pair encloses (`%pic:"photo.jpg"`).
_BULLET = re.compile(r"\x15(?:(\d+)_(\d+)-?|([^\x15]*))\x15")


def clock(ms: int) -> str:
    """Milliseconds as minutes:seconds.tenths (`00:33.9`), with hours from one hour on
    (`1:02:03.4`); tenths are cut, not rounded, so a time never reads later than it is."""
    hours, rest = divmod(ms // 100, 36_000)
    minutes, rest = divmod(rest, 600)
    seconds, tenths = divmod(rest, 10)
    text = f"{minutes:02d}:{seconds:02d}.{tenths}"
    return f"{hours}:{text}" if hours else text


def time_span(media: MediaTime) -> str:
    """A bullet as readable times: `[00:33.9–00:44.3]`."""
    return f"[{clock(media.start_ms)}–{clock(media.end_ms)}]"


def readable_bullets(text: str) -> str:
    """Transcript text with its CHAT media bullets shown as times.

    `hello . •33900_44300•` (• = U+0015) → `hello . [00:33.9–00:44.3]`; a bullet that is
    not a time shows what it holds in brackets (`[%pic:"photo.jpg"]`). A lone U+0015 is
    left for `cakit.spreadsheet.cell_text` to replace.
    """
    def show(match: re.Match[str]) -> str:
        start, end, other = match.groups()
        if other is not None:
            return f"[{other}]"
        return time_span(MediaTime(int(start), int(end)))

    return _BULLET.sub(show, text)


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A recording found beside a transcript."""

    path: Path
    kind: MediaKind


def media_header(transcript: Transcript) -> tuple[str, str]:
    """(name, kind) of the `@Media` header; ("", "") without one, kind "" when not given.

    The name is reduced to its last path part (the recording must sit beside the
    transcript); a quoted remote URL gives no name."""
    header = next((h for h in transcript.headers if h.name == "Media"), None)
    if header is None:
        return "", ""
    parts = [part.strip() for part in header.value.split(",")]
    name = parts[0] if parts else ""
    if not name or name.startswith('"') or "://" in name:
        name = ""
    kind = parts[1].lower() if len(parts) > 1 and parts[1].lower() in ("audio", "video") else ""
    return name.replace("\\", "/").rsplit("/", 1)[-1], kind


def _suffix_kind(name: str) -> MediaKind | None:
    suffix = os.path.splitext(name)[1].lower()
    if suffix in AUDIO_SUFFIXES:
        return "audio"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


def candidate_names(header_name: str, header_kind: str, stem: str) -> list[str]:
    """File names a recording may have, most likely first: the header's name (as is when
    it has a media suffix, else with each suffix, the header's kind first), then the
    transcript's stem with each suffix."""
    suffixes = VIDEO_SUFFIXES + AUDIO_SUFFIXES if header_kind == "video" \
        else AUDIO_SUFFIXES + VIDEO_SUFFIXES
    names: list[str] = []
    if header_name and _suffix_kind(header_name):
        names.append(header_name)
    for base in (header_name, stem):
        if base:
            names += [base + suffix for suffix in suffixes]
    return list(dict.fromkeys(names))


def pick_media(candidates: Sequence[str], entries: Iterable[str]) -> str | None:
    """The first candidate among a folder's entries (suffix case ignored), as spelled
    in the folder; None when there is none."""
    names = list(entries)
    lowered = {entry.lower(): entry for entry in names}
    for name in candidates:
        if name in names:
            return name
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def find_media(transcript: Transcript) -> MediaFile | None:
    """The recording beside the transcript's file, or None (see the module doc)."""
    source = Path(transcript.source)
    name, kind = media_header(transcript)
    try:
        entries = [entry.name for entry in os.scandir(source.parent) if entry.is_file()]
    except OSError:
        return None
    found = pick_media(candidate_names(name, kind, source.stem), entries)
    if found is None:
        return None
    shown: MediaKind = "video" if kind == "video" else "audio" if kind == "audio" \
        else _suffix_kind(found) or "audio"
    return MediaFile(source.parent / found, shown)


def bullet_span(times: Iterable[MediaTime | None]) -> tuple[int, int] | None:
    """(start, end) in ms from the first to the last bullet; None without bullets."""
    present = [time for time in times if time is not None]
    if not present:
        return None
    return min(t.start_ms for t in present), max(t.end_ms for t in present)


def lines_span(transcript: Transcript, first: int, last: int) -> tuple[int, int] | None:
    """The bullet span of the utterances and gaps on source lines first..last."""
    times: list[MediaTime | None] = [
        u.media for u in transcript.utterances if u.line <= last and u.end_line >= first]
    times += [gap.media for gap in transcript.gaps if first <= gap.line <= last]
    return bullet_span(times)


def media_src(path: Path, base: Path) -> str:
    """The URL-quoted path of `path` relative to the folder `base` (a file URI when there
    is no relative path, e.g. across Windows drives)."""
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:
        return Path(os.path.abspath(path)).as_uri()
    return quote(relative.replace(os.sep, "/"))


def seconds(ms: int) -> str:
    """Milliseconds as seconds for a media fragment: 33900 → `33.9`, 0 → `0`."""
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".")


def media_element(media: MediaFile, span: tuple[int, int], base: Path) -> str:
    """`<audio controls preload="none" src="…#t=start,end">` (or `<video>`) for one
    segment, the src relative to `base`, with the segment's times beside it."""
    start, end = span
    src = f"{media_src(media.path, base)}#t={seconds(start)},{seconds(end)}"
    times = f"{clock(start)}–{clock(end)}"
    return (f'<div class="media">recording {html.escape(times)} '
            f'<{media.kind} controls preload="none" src="{html.escape(src, quote=True)}">'
            f"</{media.kind}></div>")


__all__ = [
    "AUDIO_SUFFIXES", "VIDEO_SUFFIXES", "MediaFile", "bullet_span", "candidate_names", "clock",
    "find_media", "lines_span", "media_element", "media_header", "media_src", "pick_media",
    "readable_bullets", "seconds", "time_span",
]
