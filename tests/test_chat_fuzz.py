"""Property tests: no input, however broken, makes the CHAT reader raise.

About 4,300 generated or mutated files (4 × 1,000 + 300): truncated real and reference files,
random byte edits (invalid UTF-8, NULs, control characters), structural damage (dropped
TABs, unbalanced CA marks and brackets, shuffled lines) and random CHAT-like lines. The
only allowed outcome is a `ParseResult` with diagnostics. Runs are derandomized, so CI
sees the same examples every time.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cakit
from cakit.errors import ParseError
from cakit.formats import ReadOptions
from cakit.formats.chat import CHAT_FORMAT
from cakit.formats.chat.reader import parse_chat
from cakit.model import ParseResult

try:  # tests/ may or may not be a package; it is the same conftest either way
    from tests.conftest import CHAT_DATA
except ModuleNotFoundError:  # pragma: no cover
    from conftest import CHAT_DATA  # type: ignore[no-redef]

FUZZ = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Seed documents that need no shared data: plain CHAT, CHAT-CA and CA-lite habits.
BUILT_IN = [
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, MOT Mother\n"
    "@ID:\teng|c|CHI|2;06.|female|||Target_Child|||\n@ID:\teng|c|MOT|||||Mother|||\n"
    "@Media:\tseed, audio\n*CHI:\t<I want> [/] I want (be)cause &-uh xxx [: a] . \x15100_900\x15\n"
    "%mor:\tpro|I v|want conj|because .\n%gra:\t1|2|SUBJ 2|0|ROOT 3|2|LINK 4|2|PUNCT\n"
    "@Comment:\tnote\n*MOT:\t+\" “ go there ” &=laughs (0.5) ok@s:fra +...\n"
    "\t&{l=X more &}l=X .\n@End\n",
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tA Doctor, B Participant\n@Options:\tCA\n"
    "@ID:\teng|c|A|||||Doctor|||\n@ID:\teng|c|B|||||Participant|||\n"
    "*A:\t°the⌈re in front.° ⇗ ∙hh ↑wo::rd ∆fast∆ ≈\n*B:\t+≈ ⌊2 mm ⌋2 hah ≡\n\t(1.5)\n"
    "*A:\t≡ \x02\x01un\x02\x02der ↫s-s↫so cut⤆ .\n@End\n",
    "@Begin\n@Font:\tWin95:CAfont:-15:0\n@UTF8\n@Languages:    eng, CA\n"
    "@Participants:\tDOC Doctor, PAT Participant\n@ID: eng|c|DOC|||||Doctor|||\n"
    "*DOC:  >fast< REALLY ((coughs)) goi- s̲e̲e̲\n"
    "\t(0.8) \x15861826_867690\x15\n\n*PAT:\t°yeah° [...] (0.5)mm\n",
]


def _seed_files() -> list[bytes]:
    """Real and reference files (first 12 KB each, to keep each parse fast)."""
    seeds = [text.encode() for text in BUILT_IN]
    for folder in ("testchat/good", "testchat/bad", "chatter-reference", "chatter-error-corpus",
                   "cabnc-ca", "childes"):
        directory = CHAT_DATA / folder
        if directory.is_dir():
            seeds.extend(path.read_bytes()[:12_000] for path in sorted(directory.glob("*.cha")))
    return seeds


SEEDS = _seed_files()


def _read(data: bytes) -> ParseResult:
    result = CHAT_FORMAT.read_bytes(data, source="fuzz.cha", errors="collect",
                                    options=ReadOptions())
    assert isinstance(result, ParseResult)
    for utterance in result.transcript.utterances:
        list(utterance.items())
        for token in utterance.tokens:
            assert token.line >= 1 and token.col >= 1
    for diagnostic in result.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.col >= 1
        str(diagnostic)  # rendering never fails either
    return result


seed = st.sampled_from(SEEDS)


@FUZZ
@given(seed, st.floats(min_value=0.0, max_value=1.0))
def test_chat_fuzz_truncated_files(data: bytes, fraction: float) -> None:
    _read(data[: int(len(data) * fraction)])


_BYTES = st.one_of(
    st.binary(min_size=1, max_size=4),
    st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xe2\x8c", b"\x15", b"\x02", b"\x01", b"\t",
                     b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf"]),
)


@FUZZ
@given(seed, st.lists(st.tuples(st.sampled_from(["insert", "delete", "replace"]),
                                st.floats(min_value=0.0, max_value=1.0), _BYTES),
                      min_size=1, max_size=8))
def test_chat_fuzz_byte_edits(data: bytes, edits: list[tuple[str, float, bytes]]) -> None:
    buffer = bytearray(data)
    for operation, where, payload in edits:
        at = int(len(buffer) * where)
        if operation == "insert":
            buffer[at:at] = payload
        elif operation == "delete":
            del buffer[at : at + len(payload)]
        else:
            buffer[at : at + len(payload)] = payload
    _read(bytes(buffer))


_DAMAGE = st.sampled_from(
    ["⌈", "⌉", "⌊2", "⌋", "°", "°°", "∆", "↫", "☺", "<", ">", "[", "]", "[/]", "[: x", "[x 3]",
     "(", ")", "((", "“", "”", "‹", "〕", "&{l=A", "&}l=B", "&{n=", "&=", "&", "@", "@s",
     "+", "++", "+...", "≈", "+≈", "0", "(.)", "(1:", "\x15", "\x151_2\x15", "\x02\x01",
     "\x02\x02", "|", ":", "^", "-0", "xx", "3", "@Bg", "@Eg:\ta", "%mor:\t", "%gra:\t1|0|",
     "*CHI:", "*", "\t", "\n", "\n\t", " "]
)


@FUZZ
@given(seed, st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0), _DAMAGE),
                      min_size=1, max_size=10),
       st.booleans(), st.booleans())
def test_chat_fuzz_structural_damage(
    data: bytes, damage: list[tuple[float, str]], drop_tabs: bool, shuffle: bool
) -> None:
    text = data.decode("utf-8", errors="replace")
    if drop_tabs:
        text = text.replace("\t", "", 3)
    for where, mark in damage:
        at = int(len(text) * where)
        text = text[:at] + mark + text[at:]
    if shuffle:
        lines = text.split("\n")
        text = "\n".join(lines[1::2] + lines[::2])
    _read(text.encode("utf-8", errors="surrogatepass"))
    try:  # strict mode raises ParseError and nothing else
        parse_chat(text, source="fuzz.cha", errors="raise")
    except ParseError as error:
        assert error.diagnostic.severity == "error"


_WORD = st.one_of(
    st.sampled_from(
        ["hello", "I", "want", "xxx", "yyy", "&-uh", "&+fr", "&~gaga", "&=laughs", "(be)cause",
         "ice+cream", "no::", "chien@s:fra", "b@l", "0is", "°soft°", "↑up", "cut⤆", "∙hh",
         "hh", "heh", "butt⌈er⌉", "⌈2", "⌉2", "⌊", "⌋", "⇗", "→", "≈", "≡", "(.)", "(0.5)",
         "(1:02.5)", "[/]", "[//]", "[: the]", "[*]", "[= text]", "[x 3]", "[+ bch]", "<a", "b>",
         ",", "„", "‡", "“", "”", "&{l=X", "&}l=X", "&{n=B}", "\x15100_200\x15", "s̲e̲e̲",
         "\x02\x01un\x02\x02der", "↫s-s↫so", "Ἡ", "ok.", "+\"", "++", "wor-"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Zs", "Zl", "Zp", "Cc"]),
            min_size=1, max_size=6),
)
_TERMINATOR = st.sampled_from([".", "?", "!", "+...", "+/.", "+//?", '+".', "", "≈"])


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["CHI", "MOT"]), st.lists(_WORD, max_size=12),
                          _TERMINATOR), min_size=1, max_size=6),
       st.booleans())
def test_chat_fuzz_token_positions(
    utterances: list[tuple[str, list[str], str]], ca: bool
) -> None:
    """Every token and event of a one-line utterance points at its own text in the source."""
    head = (
        "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI Target_Child, MOT Mother\n"
        + ("@Options:\tCA\n" if ca else "")
        + "@ID:\teng|c|CHI|||||Target_Child|||\n@ID:\teng|c|MOT|||||Mother|||\n"
    )
    mains = [f"*{speaker}:\t{' '.join([*words, terminator]).strip()}"
             for speaker, words, terminator in utterances]
    text = head + "\n".join(mains) + "\n@End\n"
    lines = text.split("\n")
    result = parse_chat(text, source="fuzz.cha")
    assert len(result.transcript.utterances) == len(utterances)
    for utterance in result.transcript.utterances:
        assert utterance.line == utterance.end_line
        source_line = lines[utterance.line - 1]
        for item in utterance.items():
            assert item.line == utterance.line
            assert 1 <= item.col <= len(source_line)
            assert source_line[item.col - 1 :].startswith(item.text), (item, source_line)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed, st.floats(min_value=0.0, max_value=1.0), _BYTES)
def test_chat_fuzz_read_from_disk(data: bytes, where: float, payload: bytes) -> None:
    """The public `cakit.read` path (suffix lookup, decoding, corpus config) on real files."""
    import tempfile

    at = int(len(data) * where)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.cha"
        path.write_bytes(data[:at] + payload + data[at:])
        result = cakit.read(path)
    assert result.transcript.format in ("chat", "unknown")
