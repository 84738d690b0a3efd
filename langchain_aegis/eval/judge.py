"""``llm_judge``: a rubric prompt to a judge that is itself an :class:`AegisChatModel`.

The judge call carries the item's facts, and a private item (by facts or by
the detector) is marked ``local_only``, so the router keeps its judging on a
local provider exactly as it keeps the item's own calls local.

It must not reach a provider directly: the judge's calls go through the router
like any other.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from langchain_core.messages import HumanMessage, SystemMessage

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import EvalItem

__all__ = ["DEFAULT_RUBRIC", "LLMJudge", "parse_grade"]

DEFAULT_RUBRIC = (
    "Grade the ANSWER to the TASK from 0 (wrong or useless) to 10 (correct and complete). "
    "If a REFERENCE is given, judge the answer against it. Reply with the number only."
)

_NUMBER = re.compile(r"(?<![\w.])(10(?:\.0+)?|\d(?:\.\d+)?)(?:\s*/\s*10)?(?![\w.])")


def parse_grade(text: str) -> float | None:
    """The first grade 0..10 in ``text``, scaled to ``[0, 1]``; ``None`` when there is none."""
    match = _NUMBER.search(text)
    return None if match is None else min(float(match.group(1)), 10.0) / 10.0


class LLMJudge:
    """Scores an answer by asking a judge model to grade it against a rubric.

    Args:
        judge: the model that grades; routed like any call.
        rubric: the grading instructions (the system message).
        facts: extra request facts for every judge call (e.g. ``{"quality": "critical"}``).

    Example:
        .. code-block:: python

            judge = LLMJudge(AegisChatModel(config="config/llm_config.yml"))
            judge(item, "The parties are Nordlicht GmbH and Alder Ltd.")  # 0.9
    """

    needs_reference = False

    def __init__(
        self, judge: AegisChatModel, rubric: str = DEFAULT_RUBRIC, facts: dict[str, Any] | None = None
    ) -> None:
        self.judge = judge
        self.rubric = rubric
        self.facts = dict(facts or {})

    def __call__(self, item: EvalItem, answer: str) -> float:
        """The judge's grade of ``answer``, in ``[0, 1]``; 0 when the judge gives no number."""
        reference = "" if item.expected is None else f"\n\nREFERENCE:\n{_text(item.expected)}"
        prompt = f"TASK:\n{item.prompt}{reference}\n\nANSWER:\n{answer}"
        facts = {**{k: v for k, v in item.facts.items() if k != "provider"}, **self.facts}
        # The item's own privacy travels with the judging: the detector also sees the prompt.
        metadata = {"aegis": facts}
        reply = self.judge.invoke([SystemMessage(self.rubric), HumanMessage(prompt)], config={"metadata": metadata})
        grade = parse_grade(str(reply.content))
        return 0.0 if grade is None else grade


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
