"""Speaker labels of every common style map to roles (CODEBOOK §6.1); cakit never guesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cakit.errors import ParseError
from cakit.formats import read
from cakit.formats.jefferson import parse_jefferson
from cakit.formats.jefferson.roles import resolve_role


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Dr", "clinician"), ("DOC", "clinician"), ("PSY", "clinician"),
        ("Psychiatrist", "clinician"), ("Consultant", "clinician"), ("D", "clinician"),
        ("Nurse", "clinician"), ("CPN", "clinician"), ("C1", "clinician"), ("Dr2", "clinician"),
        ("P", "patient"), ("Pt", "patient"), ("PAT", "patient"), ("Patient", "patient"),
        ("Client", "patient"), ("Pt.", "patient"),
        ("M", "carer"), ("Mum", "carer"), ("Mother", "carer"), ("Dad", "carer"),
        ("F", "carer"), ("Carer", "carer"), ("Wife", "carer"), ("Husband", "carer"),
        ("Partner", "carer"), ("Sister", "carer"), ("Brother", "carer"), ("Friend", "carer"),
        ("SW", "carer"),  # a support worker, as the coding manual's label map has it
        ("Interpreter", "other"), ("Student", "other"),
    ],
)
def test_jefferson_labels_default_roles(label: str, role: str) -> None:
    result = parse_jefferson([f"{label}: hello there", "Dr: yes"], source="t.txt")
    assert not result.errors, [str(d) for d in result.errors]
    participant = result.transcript.participants[0]
    assert (participant.code, participant.role) == (label, role)
    assert result.transcript.utterances[0].speaker == label


@pytest.mark.parametrize("label", ["dr", "DR", "Dr", "dR", "pSy", "MUM"])
def test_jefferson_labels_case_insensitive(label: str) -> None:
    result = parse_jefferson([f"{label}: hello"], source="t.txt")
    assert not result.errors
    assert result.transcript.participants[0].role != "unknown"


@pytest.mark.parametrize(
    "line",
    ["Dr: hello", "Dr:\thello", "Dr :  hello", "DOC\thello", "DOC     hello", "Dr Smith: hello",
     "  Dr:   hello"],
)
def test_jefferson_labels_layouts(line: str) -> None:
    result = parse_jefferson([line, "P: hi"], source="t.txt")
    assert not result.errors, [str(d) for d in result.errors]
    utterance = result.transcript.utterances[0]
    assert [t.clean for t in utterance.tokens] == ["hello"]
    assert result.transcript.role_of(utterance.speaker) == "clinician"


def test_jefferson_labels_unknown_label_is_an_error_with_the_fix() -> None:
    result = parse_jefferson(["Dr: hello", "Gran: he's always saying that"], source="x.txt")
    errors = result.errors
    assert [d.code for d in errors] == ["CK301"]
    assert "'Gran'" in errors[0].message
    assert "cakit.yaml" in errors[0].hint and "Gran" in errors[0].hint
    assert (errors[0].span.line, errors[0].span.col) == (2, 1)
    assert result.transcript.participant("Gran").role == "unknown"  # type: ignore[union-attr]


def test_jefferson_labels_unknown_label_reported_once() -> None:
    result = parse_jefferson(["Gran: a", "Dr: b", "Gran: c"], source="x.txt")
    assert [d.code for d in result.errors] == ["CK301"]


def test_jefferson_labels_c_is_ambiguous() -> None:
    result = parse_jefferson(["Dr: hello", "C: hi"], source="x.txt")
    assert [d.code for d in result.errors] == ["CK302"]
    assert "clinician or carer" in result.errors[0].message


@pytest.mark.parametrize(("label", "role"), [("C", "carer"), ("Gran", "carer"), ("Dr", "other")])
def test_jefferson_labels_corpus_map_overrides(label: str, role: str) -> None:
    result = parse_jefferson([f"{label}: hello"], source="x.txt", roles={label.lower(): role})
    assert not result.errors
    assert result.transcript.participants[0].role == role


def test_jefferson_labels_cakit_yaml_next_to_the_transcript(tmp_path: Path) -> None:
    (tmp_path / "cakit.yaml").write_text("roles:\n  Gran: carer\n  C: clinician\n")
    path = tmp_path / "t.txt"
    path.write_text("Dr: hello\nGran: hi\nC: and me\n")
    result = read(path)
    assert not result.errors
    assert [(p.code, p.role) for p in result.transcript.participants] == [
        ("Dr", "clinician"), ("Gran", "carer"), ("C", "clinician")]


def test_jefferson_labels_header_declaration_resolves_roles() -> None:
    lines = ["Participants: C = patient's mother; Dr = consultant psychiatrist", "",
             "Dr: hello", "C: hi"]
    result = parse_jefferson(lines, source="x.txt")
    assert not result.errors
    roles = {p.code: (p.role, p.name) for p in result.transcript.participants}
    assert roles == {"Dr": ("clinician", "consultant psychiatrist"),
                     "C": ("carer", "patient's mother")}


def test_jefferson_labels_raise_mode() -> None:
    with pytest.raises(ParseError) as caught:
        parse_jefferson(["Gran: hi"], source="x.txt", errors="raise")
    assert caught.value.diagnostic.code == "CK301"


def test_jefferson_labels_stretched_word_is_not_a_label() -> None:
    result = parse_jefferson(["P: I was", "   so: I went"], source="x.txt")
    assert not result.errors
    assert len(result.transcript.utterances) == 1
    assert result.transcript.utterances[0].tokens[-1].clean == "went"


def test_jefferson_labels_case_variants_are_one_participant() -> None:
    result = parse_jefferson(["Dr: a", "DR: b"], source="x.txt")
    assert [p.code for p in result.transcript.participants] == ["Dr"]
    assert [u.speaker for u in result.transcript.utterances] == ["Dr", "Dr"]


def test_jefferson_labels_resolution_order() -> None:
    assert resolve_role("C", {"c": "carer"}).how == "mapped"
    assert resolve_role("C").how == "ambiguous"
    assert resolve_role("Keeper").how == "unknown"
    assert resolve_role("Dr Okafor").role == "clinician"


@pytest.mark.parametrize("label, code", [
    # an outside review: roles were guessed from a label's first word, so a carer called
    # Pat Jones was a patient ("pat"), a D Smith a doctor
    ("Pat Jones", "CK301"), ("D Smith", "CK301"), ("M Khan", "CK301"), ("Rel Ahmed", "CK301"),
])
def test_jefferson_labels_no_role_is_guessed_from_a_name(label: str, code: str) -> None:
    result = parse_jefferson([f"{label}: hello there", "Dr: yes"], source="t.txt")
    assert [d.code for d in result.errors] == [code]
    assert result.transcript.participants[0].role == "unknown"


@pytest.mark.parametrize("label, role", [
    ("Dr Okafor", "clinician"), ("Nurse Jo", "clinician"), ("Mum Jane", "carer"),
    ("Patient Kevin", "patient"), ("Sister Mary", "carer"),
])
def test_jefferson_labels_a_role_word_first_still_names_the_role(label: str, role: str) -> None:
    result = parse_jefferson([f"{label}: hello there", "Dr: yes"], source="t.txt")
    assert not result.errors, [str(d) for d in result.errors]
    assert result.transcript.participants[0].role == role
