"""The lexicon organised by the symptom domains of the positive-symptom rating scales."""

from __future__ import annotations

import pytest

from cakit.annotate import load_codebook, parse_codebook
from cakit.annotate.codebook import PACKAGED_CODEBOOK, PSYCHOTIC_CATEGORIES
from cakit.annotate.codebook_doc import codebook_markdown
from cakit.errors import CodebookError

SOURCE = PACKAGED_CODEBOOK.read_text(encoding="utf-8")

#: The domains the rating scales rate (SAPS items 1-19, PANSS P1/P3/P5/P6, G3, G9, CAPE's
#: positive dimension), as the codebook names them.
SCALE_DOMAINS = {
    "auditory_hallucination", "visual_hallucination", "tactile_hallucination",
    "olfactory_hallucination", "gustatory_hallucination", "somatic_hallucination",
    "persecutory_delusion", "referential_delusion", "grandiose_delusion", "religious_delusion",
    "guilt_delusion", "jealousy_delusion", "somatic_delusion", "delusion_of_control",
    "thought_insertion", "thought_withdrawal", "thought_broadcasting", "mind_reading",
    "bizarre_agents", "misidentification",
}


def test_every_pattern_of_psychotic_content_has_a_domain_with_a_source() -> None:
    codebook = load_codebook(PACKAGED_CODEBOOK)
    by_name = {c.name: c for c in codebook.lexicon}
    declared = {d.id for name in PSYCHOTIC_CATEGORIES for d in by_name[name].domains}
    assert declared >= SCALE_DOMAINS
    for name in PSYCHOTIC_CATEGORIES:
        category = by_name[name]
        assert category.domains, name
        for domain in category.domains:
            assert domain.label and any(scale in domain.source for scale in
                                        ("SAPS", "PANSS", "CAPE")), domain
        for pattern in category.patterns:
            assert category.domain_of(pattern) is not None, pattern.id
    counts = {d.id: sum(1 for p in by_name[name].patterns if by_name[name].domain_of(p) == d)
              for name in PSYCHOTIC_CATEGORIES for d in by_name[name].domains}
    assert all(n >= 3 for n in counts.values()), counts


def test_domain_mistakes_are_reported_at_their_line() -> None:
    text = SOURCE.replace("      - following me\n",
                          "      - {phrase: following me, domain: voices_of_the_dead}\n", 1)
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "bad.yaml")
    (problem,) = [d for d in caught.value.diagnostics if "voices_of_the_dead" in d.message]
    assert "following me" in text.split("\n")[problem.span.line - 1]
    assert "persecutory_delusion" in problem.hint

    start = text.index("  visions:\n")
    block_start = text.index("    domains:\n", start)
    block_end = text.index("    patterns:\n", block_start)
    without = text[:block_start] + text[block_end:]
    with pytest.raises(CodebookError) as caught:
        parse_codebook(without, "bad.yaml")
    assert any("visions declares no symptom domains" in d.message
               for d in caught.value.diagnostics)


def test_domains_are_documented() -> None:
    page = codebook_markdown(load_codebook(PACKAGED_CODEBOOK))
    assert "### Symptom domains" in page
    for domain in SCALE_DOMAINS:
        assert f"`{domain}`" in page
