"""Names shared by the EAF writer and reader: linguistic types, vocabularies, media types.

The writer puts cakit's codes on dependent tiers whose linguistic types start with
`CODE_TYPE_PREFIX`; the reader recognises them by that prefix and skips them quietly (codes
are recomputed from the talk, never read back). Speaker roles travel in header properties
named `ROLE_PROPERTY + code`, so a transcript read from CHAT keeps its roles through EAF.
"""

from __future__ import annotations

from pathlib import PurePosixPath

EAF_VERSION = "3.0"
SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: The linguistic type of the speaker tiers (time-alignable, no constraints).
UTTERANCE_TYPE = "utterance"
#: The tier (no participant) and linguistic type of the silences written on a line of their
#: own between utterances (`(1.2)`): not "cakit-…", which marks code tiers.
GAP_TIER = "cakit:gaps"
GAP_TYPE = "cakit:gap"
#: Linguistic types of the code tiers start with this.
CODE_TYPE_PREFIX = "cakit-"
#: Header property holding a speaker's cakit role: `cakit:role:DOC` → `clinician`.
ROLE_PROPERTY = "cakit:role:"
#: The language of controlled-vocabulary values (codes are not words of any language).
CV_LANGUAGE = "und"

#: MIME types by media suffix, as ELAN writes them.
MIME_TYPES: dict[str, str] = {
    ".wav": "audio/x-wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aif": "audio/x-aiff",
    ".aiff": "audio/x-aiff",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".wmv": "video/x-ms-wmv",
    ".webm": "video/webm",
}
#: ELAN's generic media types, for a file whose suffix says nothing.
GENERIC_MIME = {"audio": "audio/*", "video": "video/*"}


def mime_type(file_name: str, kind: str = "audio") -> str:
    """The MIME type of a media file: from its suffix, else generic for its kind."""
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    return GENERIC_MIME.get(kind, GENERIC_MIME["audio"])


def media_kind(mime: str) -> str:
    """`audio` or `video` from a MIME type (audio when it says neither)."""
    return "video" if mime.lower().startswith("video") else "audio"
