"""Which rule gives which code: the check that the codebook and the rules agree.

`cakit codebook check` fails when the codebook defines a code no rule can give (it would
never appear, silently) or when a rule gives a code the codebook does not define (reports
and exports would not know it). Response rules are listed in `responses.STEPS`; a code
with a `rule:` in the codebook is given by that rule.
"""

from __future__ import annotations

from cakit.annotate.codebook import Codebook
from cakit.model import Diagnostic, SourceSpan

#: Codes given outside the response rule order, and the part of the annotator that does.
OTHER_RULES: dict[str, str] = {
    "PSY_ATTEMPT": "patient turns (annotate/patient.py)",
    "PSY_Q": "patient turns", "PSY_ASSERT": "patient turns", "PSY_EMO": "patient turns",
    "PSY_REPEAT": "repeat chains (annotate/pipeline.py)",
    "PSY_ELICITED": "answers to symptom questions (annotate/pipeline.py)",
    "REPAIR_OI": "patient repair (annotate/patient.py)",
    "MEDCHECK_SYMPTOM": "clinician symptom checks (annotate/pipeline.py)",
    "HESITATE": "delivery modifiers (annotate/responses.py)",
    "SMILE_LAUGH": "delivery modifiers (annotate/responses.py)",
    "CARER_RESPONSE": "carer turns (annotate/responses.py)",
    "CARER_LAUGH": "carer turns", "CARER_DISMISS": "carer turns",
    "CARER_SUPPORT": "carer turns", "CARER_ANSWER_FOR": "carer turns",
    "CARER_OTHER": "carer turns",
}


def given_by_rules(codebook: Codebook) -> dict[str, str]:
    """Every code the annotator can give with this codebook → the rule that gives it."""
    from cakit.annotate.responses import OUTSIDE_STEPS, rule_order

    out = dict(OTHER_RULES)
    for step in rule_order(codebook.catalogue):
        for code in step.codes:
            out.setdefault(code, f"response rule {step.name}")
    for code in OUTSIDE_STEPS:
        out.setdefault(code, "responses (no clinician turn in the window)")
    return out


def check_codes(codebook: Codebook) -> list[Diagnostic]:
    """Problems between the codebook's codes and the rules, at the codebook's lines."""
    from cakit.annotate.responses import STEPS

    given = given_by_rules(codebook)
    catalogue = codebook.catalogue
    problems = []

    def problem(line: int, message: str, hint: str) -> None:
        problems.append(Diagnostic("CK404", "error", message,
                                   SourceSpan(codebook.source, max(line, 1), 1), hint))

    steps = {step.name for step in STEPS}
    for code in catalogue.codes:
        if code.rule is not None and code.rule.before not in steps:
            problem(code.line, f"the rule of {code.name} names {code.rule.before!r}, which is "
                    "not a step of the response rule order",
                    f"before: one of {', '.join(step.name for step in STEPS)}")
        if code.name not in given:
            problem(code.line, f"no rule can give {code.name}: it would never appear",
                    "give it a rule: {frames: …} (responses), or add its program logic "
                    "(docs/extending.md)")
    for name, rule in sorted(given.items()):
        if name not in catalogue:
            problem(1, f"the annotator gives {name} ({rule}) but the codebook does not "
                    "define it", "add it under codes: with its family, label and "
                    "abbreviation")
    return problems
