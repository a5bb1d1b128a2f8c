"""The search query language: what good queries parse to, and where bad ones fail."""

from __future__ import annotations

import pickle

import pytest

from cakit.errors import UsageError
from cakit.search.query import (
    And,
    Attribute,
    Mark,
    Not,
    Or,
    QueryError,
    Regex,
    Timed,
    Words,
    parse_query,
)


@pytest.mark.parametrize(("text", "shown"), [
    ("voices", "voices"),
    ("VOICES", "voices"),
    ('"hear voices"', '"hear voices"'),
    ("~voice", "~voice"),
    ('~"hear voice"', '~"hear voice"'),
    ("voice*", "voice*"),
    ("/voice(s|d)/", "/voice(s|d)/"),
    ('"laugh"', '"laugh"'),
    ("laugh", "laugh"),
    ("laughter", "laughter"),  # a word: only CA jargon spells a feature otherwise
    ("cut-off", "cutoff"),
    ("pause>=1", "pause>=1"),
    ("pause >= 1", None),  # spaces split the bound: an error (see below)
    ("gap>0.5s", "gap>0.5"),
    ("gap<.2", "gap<0.2"),
    ("role=Patient", "role=patient"),
    ("phase=pre-closing", "phase=PRE_CLOSING"),
    ("phase=preclosing", "phase=PRE_CLOSING"),
    ("phase=history", "phase=PROBLEM_HISTORY"),
    ("code=smile-laugh", "code=SMILE_LAUGH"),
    ("responds_to=REPEAT", "responds_to=PSY_REPEAT"),
    ("responds-to=psy_q", "responds_to=PSY_Q"),
    ("outcome=deflected", "outcome=DEFLECTED"),
    ("role=patient,carer", "role=patient,carer"),
    ('speaker="Dr Jones"', 'speaker="Dr Jones"'),
    ("file=02-*", "file=02-*"),
    ("overlap=incoming", "overlap=incoming"),
    ("feature=creaky,fast", "feature=creaky | feature=fast"),
    ("pitch=up", "pitch=up"),
    ("role!=patient", "!role=patient"),
    ("gap!=1", "!gap=1"),
    ("!(laugh|smile)&role=clinician", "!(laugh | smile) & role=clinician"),
    ("a | b & c", "a | b & c"),
    ("(a | b) & c", "(a | b) & c"),
    ("a&&b||c", "a & b | c"),
    ("role=patient & question >>2 role=clinician & laugh",
     "role=patient & question >>2 role=clinician & laugh"),
    ("a>>b>>3c", "a >> b >>3 c"),
    ("rank=1", "rank=1"),
    ("category=voices", "category=voices"),
])
def test_search_query_parses_and_reads_back(text: str, shown: str | None) -> None:
    if shown is None:
        with pytest.raises(QueryError):
            parse_query(text)
        return
    query = parse_query(text)
    assert str(query) == shown
    assert str(parse_query(str(query))) == shown  # the canonical form parses to itself


def test_search_query_tree_has_columns_and_precedence() -> None:
    query = parse_query("role=patient & question >>2 !laugh | voices")
    assert query.windows == (2,)
    first, second = query.steps
    assert first == And((Attribute("role", ("patient",), 1), Mark("question", 16)), 1)
    assert isinstance(second, Or)
    assert second.operands[0] == Not(Mark("laugh", 30), 29)
    assert second.operands[1] == Words(("voices",), 38)


@pytest.mark.parametrize(("text", "node"), [
    ('~"hear voice"', Words(("hear", "voice"), 1, inflect=True)),
    ("/a b/", Regex("a b", 1)),
    ("pause<=0.5", Timed("pause", "<=", 0.5, 1)),
    ("micropause", Mark("micropause", 1)),
    ("feature=stretch", Mark("stretch", 1, "stretch")),
    ("feature=stretched", Mark("flag:stretched", 1, "feature=stretched")),
    ("feature=creaky", Mark("flag:creaky", 1, "feature=creaky")),
    ("overlap=overlapped", Mark("overlap:overlapped", 1, "overlap=overlapped")),
    ("pitch=down", Mark("flag:pitch_down", 1, "pitch=down")),
    ("voices'll", Words(("voices'll",), 1)),
    ("don’t", Words(("don't",), 1)),
])
def test_search_query_terms(text: str, node: object) -> None:
    assert parse_query(text).steps == (node,)


@pytest.mark.parametrize(("text", "code", "col", "fragment"), [
    ("", "CK601", 1, "the query is empty"),
    ("voices &", "CK601", 9, "ends where a term is expected"),
    ("& voices", "CK601", 1, "'&' where a term is expected"),
    ("voices | | laugh", "CK601", 10, "'|' where a term is expected"),
    ("!", "CK601", 2, "ends where a term is expected"),
    ("~", "CK601", 1, "'~' must be followed by a word"),
    ('"hear voices', "CK602", 1, "never closed"),
    ("role=patient & /voice(", "CK602", 16, "regular expression opened here is never closed"),
    ("(voices | laugh", "CK602", 1, "'(' opened here is never closed"),
    ("voices)", "CK602", 7, "')' closes no '('"),
    ("voices laugh", "CK603", 8, "two terms side by side"),
    ("(voices laugh)", "CK603", 9, "two terms side by side"),
    ('voices "x"', "CK603", 8, "two terms side by side"),
    ("rol=patient", "CK604", 1, "unknown attribute 'rol'"),
    ("laugh=2", "CK604", 1, "laugh takes no value"),
    ("role>=2", "CK604", 5, "role takes = (or !=)"),
    ("role=patinet", "CK605", 6, "role='patinet' is not a value"),
    ("role=patient,doctr", "CK605", 14, "role='doctr' is not a value"),
    ("role=", "CK605", 6, "role= needs a value"),
    ("phase=pre-clos", "CK605", 7, "phase='pre-clos' is not a value"),
    ("code=SMILE_LAF", "CK605", 6, "code='SMILE_LAF' is not a value"),
    ("outcome=deflect", "CK605", 9, "outcome='deflect' is not a value"),
    ("responds_to=PSY_QQ", "CK605", 13, "is not a value"),
    ("pause>=x", "CK605", 8, "needs a number of seconds"),
    ("gap>=micro", "CK605", 6, "needs a number of seconds"),
    ("rank=first", "CK605", 6, "a rank is a number"),
    ("/a(b/", "CK605", 3, "not a valid regular expression"),
    ("//", "CK605", 1, "empty regular expression"),
    ('""', "CK605", 1, "an empty phrase"),
    ("~voice*", "CK605", 2, "cannot be combined"),
    ("role=patient|carer", "CK605", 14, "'|' joins whole terms"),
    ("a >>0 b", "CK606", 5, "window of 0 turns"),
    ("a >>1001 b", "CK606", 5, "it must be 1 to 1000"),
    ("a >>", "CK606", 3, "needs a turn pattern after it"),
    (">> a", "CK606", 1, "needs a turn pattern before it"),
    ("(a >> b)", "CK606", 4, "cannot stand inside parentheses"),
    ("a > b", "CK607", 3, "'>' cannot be part of a word"),
    ("voices = x", "CK607", 8, "'=' cannot be part of a word"),
    ("wow!", "CK607", 4, "'!' cannot be part of a word"),
    ('"hear (.) voices"', "CK607", 7, "'(' cannot be part of a word"),
])
def test_search_query_errors_point_at_the_column(text: str, code: str, col: int,
                                                 fragment: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert (error.code, error.col) == (code, col), str(error)
    assert fragment in error.diagnostic.message
    assert error.diagnostic.hint
    lines = str(error).splitlines()
    assert lines[0].startswith(f"query:1:{col}: {code} ")
    if text:
        assert lines[1] == f"    {text}"
        assert lines[2] == "    " + " " * (col - 1) + "^"


def test_search_query_error_is_a_usage_error_and_survives_pickling() -> None:
    with pytest.raises(UsageError) as caught:
        parse_query("role=nobody")
    assert isinstance(caught.value, ValueError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == str(caught.value) and again.code == "CK605"


def test_search_query_suggests_near_names() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("code=SMILE_LAF")
    assert "did you mean SMILE_LAUGH" in caught.value.diagnostic.hint
    with pytest.raises(QueryError) as caught:
        parse_query("phrase=x")
    assert "did you mean phase" in caught.value.diagnostic.hint


def test_search_query_codes_come_from_the_vocabulary() -> None:
    from cakit.search.query import Vocabulary

    mine = Vocabulary(codes=("MY_CODE",), outcomes=("DONE",), subtypes=("PSY_X",),
                      phases=("OPENING",), categories=("voices",))
    assert str(parse_query("code=my-code & outcome=done & responds_to=X", mine)) == \
        "code=MY_CODE & outcome=DONE & responds_to=PSY_X"
    with pytest.raises(QueryError):
        parse_query("code=SMILE_LAUGH", mine)
