"""`cakit export --to qdpx|qdc` and `cakit import qdpx`: REFI-QDA projects and codebooks."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from lxml import etree

from cakit.annotate import codebook_for
from cakit.cli import cli
from cakit.exchange import guids
from cakit.exchange.sourcetext import source_text
from cakit.store import layer_path, make_decision, plan_code, read_layer, save_decisions
from cakit.store.labels import choices
from tests.conftest import DEMO, REFI_QDA, needs_refi_qda
from tests.store._fixtures import machine_state

#: the packaged codebook's version, which names the machine coder
VERSION = codebook_for(None).version

NS = {"q": "urn:QDA-XML:project:1.0"}
FIRST = DEMO / "01-brennan-jefferson.txt"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def project_of(path: Path) -> Any:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def export(store: Path, out: Path, *paths: Path, extra: tuple[str, ...] = ()) -> Any:
    result = run("export", "--to", "qdpx", *map(str, paths or (DEMO,)), "-o", str(out),
                 "--store", str(store), *extra)
    assert result.exit_code == 0, result.output
    return project_of(out)


# -- decisions of two coders ---------------------------------------------------------

def _relabel(codebook: Any, item: Any) -> tuple[str, str | None] | None:
    for code, subtype in choices(codebook, item.kind):
        if (f"{code}/{subtype}" if subtype else code) != item.label:
            return code, subtype
    return None


def decide_two_coders(store: Path) -> int:
    """Accepts, rejects, relabels and notes by AB and CD on every demo transcript, and
    their own codes; returns how many records were made."""
    from cakit.annotate import codebook_for

    codebook = codebook_for(None)
    made = 0
    for path in sorted(DEMO.glob("*.txt")) + sorted(DEMO.glob("*.cha")):
        state = machine_state(path, store)
        for offset, coder in ((0, "AB"), (1, "CD")):
            decisions = []
            for k, item in enumerate(state.items):
                time = f"2026-01-{1 + k % 28:02d}T10:{offset:02d}:00+00:00"
                attempt = state.item(item.attempt) if item.attempt else None
                pick = (k + offset) % 5
                if pick == 0:
                    decisions.append(make_decision(item, coder=coder, decision="accept",
                                                   time=time, attempt=attempt))
                elif pick == 1 and item.kind != "attempt":
                    decisions.append(make_decision(item, coder=coder, decision="reject",
                                                   note="not a response" if k % 2 else "",
                                                   time=time, attempt=attempt))
                elif pick == 2 and (label := _relabel(codebook, item)) is not None:
                    decisions.append(make_decision(item, coder=coder, decision="relabel",
                                                   code=label[0], subtype=label[1],
                                                   note=f"{coder} thinks so", time=time,
                                                   attempt=attempt))
                elif pick == 3:
                    decisions.append(make_decision(item, coder=coder, decision=None,
                                                   note="come back to this", time=time,
                                                   attempt=attempt))
            codes = own_codes(state, coder, codebook, decisions)
            save_decisions(store, state.identity, decisions, sha256=state.transcript.sha256,
                           codes=codes)
            made += len(decisions) + len(codes)
    return made


def own_codes(state: Any, coder: str, codebook: Any, decisions: list[Any]) -> list[Any]:
    """A PSY_ELICITED on the first patient turn the machine left alone, and a HESITATE on
    the first clinician turn after a standing attempt that the machine left alone."""
    coded = {item.anchor.utterance for item in state.items}
    rejected = {d.target for d in decisions if d.decision == "reject"}
    free = [turn for turn in state.text.turns
            if state.text.utterance_ids[turn.utterances[0]] not in coded]
    codes = []
    patient = next((t for t in free if t.role == "patient"), None)
    if patient is not None:
        codes.append(plan_code(state, None, codebook, coder=coder, line=patient.line,
                               code="PSY_ELICITED", note="own code"))
    attempt = next((i for i in state.items if i.kind == "attempt" and i.id not in rejected),
                   None)
    if attempt is not None:
        after = next((t for t in free if t.role == "clinician" and t.line > attempt.line),
                     None)
        if after is not None:
            codes.append(plan_code(state, None, codebook, coder=coder, line=after.line,
                                   code="HESITATE", attempt_line=attempt.line))
    return codes


def layers(store: Path, coder: str) -> dict[str, Any]:
    out = {}
    for path in sorted(DEMO.iterdir()):
        if path.suffix in (".txt", ".cha"):
            identity = f"corpora/demo/{path.name}"
            out[identity] = read_layer(layer_path(store, coder, identity))
    return out


# -- export ----------------------------------------------------------------------------

@needs_refi_qda
def test_project_is_valid_and_holds_every_machine_code_and_decision(tmp_path: Path) -> None:
    store = tmp_path / "store"
    decide_two_coders(store)
    project = export(store, tmp_path / "study.qdpx")
    schema = etree.XMLSchema(etree.parse(str(REFI_QDA / "Project.xsd")))
    assert schema.validate(project), schema.error_log
    users = {u.get("name"): u.get("guid") for u in project.iterfind("q:Users/q:User", NS)}
    assert set(users) == {f"cakit auto {VERSION}", "AB", "CD"}
    # families are not codable; codes are, with descriptions and the family's colour
    families = project.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert families and all(f.get("isCodable") == "false" for f in families)
    engage = project.find(".//q:Code[@name='ENGAGE']", NS)
    assert engage.get("color") == "#2CA02C" and engage.get("isCodable") == "true"
    assert "makes room" in engage.findtext("q:Description", namespaces=NS)
    assert engage.find("q:Code", NS).get("name") == "ENGAGE_EXPLORE"
    # every machine item is a selection over its turn's talk with a machine coding
    state = machine_state(FIRST, store)
    text = source_text(state.transcript)
    by_guid = {s.get("guid"): s for s in project.iterfind(".//q:PlainTextSelection", NS)}
    for item in state.items:
        selection = by_guid[guids.item_selection(item.id)]
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        turn_line = text.line_of_utterance(item.anchor.utterance)
        assert (start, end) == (turn_line.talk_start, turn_line.end)
        assert text.text[start:end].strip()
        users_coding = [c.get("creatingUser") for c in selection.findall("q:Coding", NS)]
        assert users_coding[0] == users[f"cakit auto {VERSION}"]
    ab = layers(store, "AB")[f"corpora/demo/{FIRST.name}"]
    for decision in ab.decisions:
        selection = by_guid[guids.item_selection(decision.target)]
        coded = [c for c in selection.findall("q:Coding", NS)
                 if c.get("creatingUser") == users["AB"]]
        assert len(coded) == (1 if decision.decision in ("accept", "relabel") else 0)
    # cases carry the consultation's variables
    cases = project.findall("q:Cases/q:Case", NS)
    assert len(cases) == 14
    carer = [c for c in cases if c.get("name").startswith("corpora/demo/05")]
    assert carer, [c.get("name") for c in cases]


@needs_refi_qda
def test_sources_are_one_turn_a_line_and_the_export_is_stable(tmp_path: Path) -> None:
    store = tmp_path / "store"
    decide_two_coders(store)
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export(store, first)
    export(store, second)
    assert first.read_bytes() == second.read_bytes()
    state = machine_state(FIRST, store)
    with zipfile.ZipFile(first) as archive:
        text = archive.read(f"Sources/{guids.source_guid('corpora/demo/' + FIRST.name)}.txt")
    lines = text.decode("utf-8").splitlines()
    turn = state.transcript.turns[0]
    assert lines[0] == f"{turn.speaker}\t" + " ".join(
        state.transcript.utterances[k].content.strip() for k in turn.utterances)
    assert all("\t" in line for line in lines)
    refused = run("export", "--to", "qdpx", str(FIRST), "-o", str(first), "--store", str(store))
    assert refused.exit_code == 2 and "--force" in refused.output


@needs_refi_qda
def test_coder_option_exports_only_that_coder(tmp_path: Path) -> None:
    store = tmp_path / "store"
    decide_two_coders(store)
    project = export(store, tmp_path / "ab.qdpx", FIRST, extra=("--coder", "AB"))
    assert {u.get("name") for u in project.iterfind("q:Users/q:User", NS)} == {
        f"cakit auto {VERSION}", "AB"}


@needs_refi_qda
def test_codebook_export_is_valid(tmp_path: Path) -> None:
    out = tmp_path / "codebook.qdc"
    result = run("export", "--to", "qdc", "-o", str(out))
    assert result.exit_code == 0, result.output
    schema = etree.XMLSchema(etree.parse(str(REFI_QDA / "Codebook.xsd")))
    document = etree.parse(str(out))
    assert schema.validate(document), schema.error_log
    names = {c.get("name") for c in document.iter("{urn:QDA-XML:codebook:1.0}Code")}
    assert {"Patient turns", "PSY_ATTEMPT", "PSY_Q", "CARER_LAUGH"} <= names


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "--to", "nvivo", str(FIRST), "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "qdpx" in result.output


# -- import ----------------------------------------------------------------------------

def test_round_trip_reproduces_every_decision_of_two_coders(tmp_path: Path) -> None:
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    made = decide_two_coders(store)
    assert made > 100
    study = tmp_path / "study.qdpx"
    export(store, study)
    for coder in ("AB", "CD"):
        result = run("import", "qdpx", str(study), str(DEMO), "--coder", coder,
                     "--store", str(fresh))
        assert result.exit_code == 0, result.output
        before, after = layers(store, coder), layers(fresh, coder)
        assert set(before) == set(after)
        for identity, layer in before.items():
            if layer is None:
                assert after[identity] is None
                continue
            assert after[identity] is not None, identity
            assert sorted(after[identity].decisions, key=lambda d: d.target) == \
                sorted(layer.decisions, key=lambda d: d.target), identity
            assert sorted(after[identity].codes, key=lambda c: c.id) == \
                sorted(layer.codes, key=lambda c: c.id), identity
    kinds = {d.decision for layer in layers(fresh, "AB").values() if layer
             for d in layer.decisions}
    assert kinds == {"accept", "reject", "relabel", None}
    again = run("import", "qdpx", str(study), str(DEMO), "--coder", "AB", "--store", str(fresh))
    assert again.exit_code == 0, again.output
    summaries = again.output.strip().splitlines()
    assert len(summaries) == 14
    assert all(": 0 accepted, 0 relabelled, 0 rejected, 0 notes only, 0 own codes" in line
               for line in summaries), summaries


def _foreign(accept: str, spans: dict[str, tuple[int, int]], source_name: str) -> bytes:
    """A project as another package writes it: upper-case GUIDs in braces, users only on
    selections, codes nested family → code → subtype, a note on a selection."""
    engage = "{A1B2C3D4-0000-4000-8000-00000000000A}"
    accepted = "{A1B2C3D4-0000-4000-8000-00000000000E}"
    explore = "{A1B2C3D4-0000-4000-8000-00000000000B}"
    elicited = "{A1B2C3D4-0000-4000-8000-00000000000C}"
    odd = "{A1B2C3D4-0000-4000-8000-00000000000D}"
    user = "{A1B2C3D4-0000-4000-8000-0000000000AA}"
    selections = []
    for n, (name, (start, end)) in enumerate(sorted(spans.items())):
        code = {"accept": accepted, "relabel": explore, "own": elicited, "odd": odd,
                "across": elicited}[name]
        note = ('<NoteRef targetGUID="{A1B2C3D4-0000-4000-8000-0000000000F1}"/>'
                if name == "relabel" else "")
        selections.append(
            f'<PlainTextSelection guid="{{A1B2C3D4-0000-4000-8000-0000000001{n:02d}}}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{user}">'
            f'<Coding guid="{{A1B2C3D4-0000-4000-8000-0000000002{n:02d}}}">'
            f'<CodeRef targetGUID="{code}"/></Coding>{note}</PlainTextSelection>')
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="from elsewhere">
 <Users><User guid="{user}" name="Maria"/></Users>
 <CodeBook><Codes>
  <Code guid="{{A1B2C3D4-0000-4000-8000-0000000000C1}}" name="Responses" isCodable="false">
   <Code guid="{engage}" name="ENGAGE" isCodable="true">
    <Code guid="{explore}" name="ENGAGE_EXPLORE" isCodable="true"/>
   </Code>
   <Code guid="{accepted}" name="{accept}" isCodable="true"/>
  </Code>
  <Code guid="{elicited}" name="PSY_ELICITED" isCodable="true"/>
  <Code guid="{odd}" name="Interesting" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="{{A1B2C3D4-0000-4000-8000-0000000000E1}}" name="{source_name}"
   plainTextPath="internal://{{A1B2C3D4-0000-4000-8000-0000000000E1}}.txt">
   {"".join(selections)}
  </TextSource>
  <TextSource guid="{{A1B2C3D4-0000-4000-8000-0000000000E2}}" name="someone else's.txt"
   plainTextPath="internal://{{A1B2C3D4-0000-4000-8000-0000000000E2}}.txt">
   <PlainTextSelection guid="{{A1B2C3D4-0000-4000-8000-0000000000E3}}" startPosition="0"
    endPosition="3" creatingUser="{user}">
    <Coding guid="{{A1B2C3D4-0000-4000-8000-0000000000E4}}">
     <CodeRef targetGUID="{elicited}"/></Coding></PlainTextSelection>
  </TextSource>
 </Sources>
 <Notes><Note guid="{{A1B2C3D4-0000-4000-8000-0000000000F1}}" name="memo"
   creatingUser="{user}">
   <PlainTextContent>explores, does not just engage</PlainTextContent></Note></Notes>
</Project>"""
    return xml.encode("utf-8")


def test_a_project_written_by_another_package_imports(tmp_path: Path) -> None:
    store = tmp_path / "store"
    state = machine_state(FIRST, store)
    text = source_text(state.transcript)
    responses = [i for i in state.items if i.kind == "response" and i.turn_id]
    alone = [i for i in responses if i.code != "ENGAGE" and not any(
        j.id != i.id and j.anchor.utterance == i.anchor.utterance for j in responses)]
    explore, other = alone[0], alone[1]  # accepted as they are; relabelled to ENGAGE_EXPLORE
    coded = {item.anchor.utterance for item in state.items}
    patient = next(line for line in text.lines if line.turn_id and
                   state.text.turn(line.turn_id).role == "patient"
                   and not set(line.utterances) & coded)
    accept_line = text.line_of_utterance(explore.anchor.utterance)
    relabel_line = text.line_of_utterance(other.anchor.utterance)
    spans = {
        "accept": (accept_line.talk_start + 2, accept_line.end - 1),  # part of the turn
        "relabel": (relabel_line.talk_start, relabel_line.end),
        "own": (patient.talk_start, patient.end),
        "odd": (patient.talk_start, patient.end),
        "across": (text.lines[0].talk_start, text.lines[1].end),
    }
    study = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(study, "w") as archive:
        archive.writestr("project.qde", _foreign(explore.code, spans, FIRST.name))
        archive.writestr("Sources/{A1B2C3D4-0000-4000-8000-0000000000E1}.txt", text.text)
        archive.writestr("Sources/{A1B2C3D4-0000-4000-8000-0000000000E2}.txt", "abc\n")
    result = run("import", "qdpx", str(study), str(FIRST), "--coder", "MG", "--store",
                 str(store))
    assert result.exit_code == 1, result.output  # three things could not be imported
    assert "unknown code 'Interesting'" in result.output
    assert "not inside one turn" in result.output
    assert "someone else's.txt: matches none of the transcripts" in result.output
    layer = read_layer(layer_path(store, "MG", f"corpora/demo/{FIRST.name}"))
    assert layer is not None
    decided = {d.target: d for d in layer.decisions}
    assert decided[explore.id].decision == "accept" and len(decided) == 2
    assert (decided[other.id].decision, decided[other.id].code, decided[other.id].subtype) == (
        "relabel", "ENGAGE", "ENGAGE_EXPLORE")
    assert decided[other.id].note == "explores, does not just engage"
    assert [(c.code, c.anchor.line) for c in layer.codes] == [("PSY_ELICITED", patient_line(
        state, patient))]


def patient_line(state: Any, line: Any) -> int:
    turn = state.text.turn(line.turn_id)
    return int(turn.line)


def test_import_names_the_users_when_the_coder_is_not_one(tmp_path: Path) -> None:
    store = tmp_path / "store"
    decide_two_coders_small(store)
    study = tmp_path / "s.qdpx"
    export(store, study, FIRST)
    result = run("import", "qdpx", str(study), str(FIRST), "--coder", "ZZ", "--store",
                 str(tmp_path / "other"))
    assert result.exit_code == 2
    assert "'AB', 'CD'" in result.output and "--user" in result.output
    taken = run("import", "qdpx", str(study), str(FIRST), "--coder", "ZZ", "--user", "AB",
                "--store", str(tmp_path / "other"))
    assert taken.exit_code == 0, taken.output
    assert read_layer(layer_path(tmp_path / "other", "ZZ", f"corpora/demo/{FIRST.name}"))


def decide_two_coders_small(store: Path) -> None:
    state = machine_state(FIRST, store)
    for coder in ("AB", "CD"):
        decisions = [make_decision(item, coder=coder, decision="accept")
                     for item in state.items[:3]]
        save_decisions(store, state.identity, decisions, sha256=state.transcript.sha256)


def test_not_a_qdpx_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip")
    result = run("import", "qdpx", str(bad), str(FIRST), "--coder", "AB", "--store",
                 str(tmp_path / "s"))
    assert result.exit_code == 1 and "not a REFI-QDA project archive" in result.output




def test_codebook_export_takes_no_paths(tmp_path: Path) -> None:
    codebook = run("export", "--to", "qdc", str(FIRST), "-o", str(tmp_path / "c.qdc"))
    assert codebook.exit_code == 2 and "codebook only" in codebook.output
    assert not (tmp_path / "c.qdc").exists()


@needs_refi_qda
def test_consensus_is_a_user_coding_what_most_coders_kept(tmp_path: Path) -> None:
    from cakit.annotate import codebook_for

    store = tmp_path / "store"
    state = machine_state(FIRST, store)
    kept, dropped = [i for i in state.items if i.kind == "elicited"][:2]
    changed = next(i for i in state.items if i.kind == "response")
    label = _relabel(codebook_for(None), changed)
    assert label is not None
    for coder in ("AB", "CD"):
        save_decisions(store, state.identity, [
            make_decision(kept, coder=coder, decision="accept"),
            make_decision(dropped, coder=coder, decision="reject"),
            make_decision(changed, coder=coder, decision="relabel", code=label[0],
                          subtype=label[1])], sha256=state.transcript.sha256,
            codes=own_codes(state, coder, codebook_for(None), []))
    project = export(store, tmp_path / "c.qdpx", FIRST, extra=("--consensus",))
    schema = etree.XMLSchema(etree.parse(str(REFI_QDA / "Project.xsd")))
    assert schema.validate(project), schema.error_log
    consensus = guids.consensus_user()
    assert project.find(f"q:Users/q:User[@guid='{consensus}']", NS).get("name") == "consensus"

    def consensus_labels(item: Any) -> list[str]:
        selection = project.find(
            f".//q:PlainTextSelection[@guid='{guids.item_selection(item.id)}']", NS)
        codes = {c.get("guid"): c.get("name") for c in project.iter(f"{{{NS['q']}}}Code")}
        return [codes[c.find("q:CodeRef", NS).get("targetGUID")]
                for c in selection.findall("q:Coding", NS)
                if c.get("creatingUser") == consensus]

    assert consensus_labels(kept) == ["PSY_ELICITED"]
    assert consensus_labels(dropped) == []
    assert consensus_labels(changed) == [label[1] or label[0]]
    # a code both coders added is the consensus's, on a selection of its own
    added = [s for s in project.iterfind(".//q:PlainTextSelection", NS)
             if s.get("creatingUser") == consensus]
    assert "PSY_ELICITED" in [s.get("name").split(" ")[0] for s in added]
    plain = export(store, tmp_path / "p.qdpx", FIRST)
    assert plain.find(f"q:Users/q:User[@guid='{consensus}']", NS) is None


def test_an_edited_source_keeps_cakits_own_selections_and_lists_the_rest(
        tmp_path: Path) -> None:
    from cakit.annotate import codebook_for

    store = tmp_path / "store"
    state = machine_state(FIRST, store)
    decisions = [make_decision(item, coder="AB", decision="accept") for item in state.items]
    codes = own_codes(state, "AB", codebook_for(None), decisions)
    assert codes
    save_decisions(store, state.identity, decisions, sha256=state.transcript.sha256,
                   codes=codes)
    study, edited = tmp_path / "s.qdpx", tmp_path / "edited.qdpx"
    export(store, study, FIRST)
    with zipfile.ZipFile(study) as source, zipfile.ZipFile(edited, "w") as target:
        for entry in source.namelist():
            data = source.read(entry)
            target.writestr(entry, b"NEW FIRST LINE\n" + data if entry.startswith("Sources/")
                            else data)
    result = run("import", "qdpx", str(edited), str(FIRST), "--coder", "AB", "--store",
                 str(tmp_path / "fresh"))
    assert result.exit_code == 1
    assert f"{len(decisions)} accepted" in result.output and "0 own codes" in result.output
    assert "its text is not the transcript's" in result.output
    assert result.output.count("not imported: the source's text is not the transcript's") \
        == len(codes)


def test_own_responses_to_an_own_attempt_come_back_as_they_were(tmp_path: Path) -> None:
    """A coder's own attempt, with their own ENGAGE, HESITATE and carer laugh to it on
    turns where the machine coded the same codes for another attempt. An audit found the
    round trip turning them into accepts of the machine's codes to the other attempt, and
    an own HESITATE lost: a coding placed by position only decides a machine code of the
    attempt it responds to."""
    from tests.store._fixtures import BASE, write

    path = write(tmp_path, "t.txt", BASE)
    store, fresh = tmp_path / "store", tmp_path / "fresh"
    state = machine_state(path, store)
    machine = {(item.code, item.anchor.line) for item in state.items}
    assert {("ENGAGE", 18), ("CARER_RESPONSE", 16)} <= machine  # to the attempts at 11, 17
    coded = [("15", "PSY_ATTEMPT", "PSY_ASSERT", None),
             ("16", "CARER_RESPONSE", "CARER_LAUGH", "15"),
             ("18", "ENGAGE", "ENGAGE_EMPATHY", "15"), ("18", "HESITATE", None, "15"),
             ("14", "HESITATE", None, "11")]
    for line, code, subtype, attempt in coded:
        args = ["code", str(path), "--line", line, "--code", code, "--coder", "ann",
                "--store", str(store)]
        args += ["--subtype", subtype] if subtype else []
        args += ["--attempt-line", attempt] if attempt else []
        assert run(*args).exit_code == 0
    study = tmp_path / "ann.qdpx"
    assert run("export", "--to", "qdpx", str(path), "-o", str(study), "--store", str(store),
               "--coder", "ann").exit_code == 0
    result = run("import", "qdpx", str(study), str(path), "--coder", "ann", "--store",
                 str(fresh))
    assert result.exit_code == 0, result.output
    assert "0 accepted, 0 relabelled, 0 rejected, 0 notes only, 5 own codes" in result.output
    identity = machine_state(path, store).identity
    before = read_layer(layer_path(store, "ann", identity))
    after = read_layer(layer_path(fresh, "ann", identity))
    assert before is not None and after is not None and not after.decisions
    assert sorted(after.codes, key=lambda c: c.id) == sorted(before.codes, key=lambda c: c.id)


def test_a_decision_by_guid_stays_on_its_turn_after_a_like_turn_is_inserted(
        tmp_path: Path) -> None:
    # an outside review: a selection's GUID names a code by its id, a position among like
    # codes; a "yeah." answering a symptom question inserted above the decided one took
    # its id, and the rejection landed on the inserted turn nobody reviewed
    path = tmp_path / "harlow.txt"
    path.write_text((DEMO / "02-harlow-consultant.txt").read_text(encoding="utf-8"),
                    encoding="utf-8")
    store = tmp_path / "store"
    state = machine_state(path, store)
    reviewed = next(i for i in state.items if i.kind == "elicited" and i.anchor.line == 53)
    decisions = [make_decision(item, coder="OP",
                               decision="reject" if item is reviewed else "accept")
                 for item in state.items]
    save_decisions(store, state.identity, decisions, sha256=state.transcript.sha256)
    study = tmp_path / "study.qdpx"
    export(store, study, path, extra=("--coder", "OP"))
    asked = "Consultant:  and you're eating alright?\n"
    path.write_text(path.read_text(encoding="utf-8").replace(
        asked, "Consultant:  and any voices, (.) hearing things?\nPt:          yeah.\n"
        "Consultant:  okay.\n" + asked, 1), encoding="utf-8")
    fresh = tmp_path / "fresh"
    run("import", "qdpx", str(study), str(path), "--coder", "OP", "--store", str(fresh))
    after = machine_state(path, fresh)
    elicited = {i.anchor.line: i for i in after.items if i.kind == "elicited"}
    assert elicited[45].id == reviewed.id  # the inserted turn took the id
    layer = read_layer(layer_path(fresh, "OP", after.identity))
    assert layer is not None
    decided = {d.target: d.decision for d in layer.decisions}
    assert decided.get(elicited[56].id) == "reject"
    assert elicited[45].id not in decided


def test_qdpx_and_convokit_leave_out_the_not_coded_stand_in(tmp_path: Path) -> None:
    """A second outside review: the stand-in R1 NOT_CODED of an attempt nobody coded a
    response to was exported as a code (the qdpx codebook got NOT_CODED, with a coding on
    the patient's turn; ConvoKit listed it among the turn's codes)."""
    import json as _json

    project = tmp_path / "p"
    project.mkdir()
    (project / "cakit.yaml").write_text("", encoding="utf-8")
    transcript = project / "a.txt"
    transcript.write_text("Dr:   how have things been?\nP:    not bad.\n"
                          "Dr:   and the tablets?\nP:    fine. I keep hearing voices at night.\n"
                          "Dr:   right.\n", encoding="utf-8")
    runner = CliRunner()
    coded = runner.invoke(cli, ["code", str(transcript), "--line", "2", "--code", "PSY_ATTEMPT",
                                "--subtype", "PSY_ASSERT", "--coder", "AB"])
    assert coded.exit_code == 0, coded.output
    annotated = runner.invoke(cli, ["annotate", str(project), "--coder", "AB", "-o", "-"])
    assert "NOT_CODED" in annotated.stdout  # the stand-in is there to be left out
    qdpx = tmp_path / "x.qdpx"
    done = runner.invoke(cli, ["export", "--to", "qdpx", str(project), "-o", str(qdpx),
                               "--coder", "AB"])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(qdpx) as archive:
        assert b"NOT_CODED" not in archive.read("project.qde")
    convokit = tmp_path / "ck"
    done = runner.invoke(cli, ["export", "--to", "convokit", str(project), "-o", str(convokit),
                               "--coder", "AB"])
    assert done.exit_code == 0, done.output
    lines = (convokit / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines and not any("NOT_CODED" in _json.loads(line)["meta"]["codes"] for line in lines)


def test_qdpx_export_survives_a_control_character_in_a_note(tmp_path: Path) -> None:
    """A second outside review: a coder's note with a vertical tab made `export --to
    qdpx` die with lxml's ValueError; XML cannot hold it, so it is written as a space."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "cakit.yaml").write_text("", encoding="utf-8")
    transcript = project / "a.txt"
    transcript.write_text("Dr:   how have things been?\nP:    I keep hearing voices at night.\n"
                          "Dr:   right. and the tablets?\n", encoding="utf-8")
    runner = CliRunner()
    coded = runner.invoke(cli, ["code", str(transcript), "--line", "3", "--code", "TOPIC_SHIFT",
                                "--attempt-line", "2", "--coder", "GH",
                                "--note", "moved on\x0bto meds"])
    assert coded.exit_code == 0, coded.output
    qdpx = tmp_path / "x.qdpx"
    done = runner.invoke(cli, ["export", "--to", "qdpx", str(project), "-o", str(qdpx)])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(qdpx) as archive:
        project_xml = archive.read("project.qde").decode("utf-8")
    assert "moved on to meds" in project_xml
