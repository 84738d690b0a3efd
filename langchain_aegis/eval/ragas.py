"""RAGAS metrics as a :class:`~langchain_aegis.eval.scorers.Scorer` (the ``eval`` extra).

``pip install 'langchain-aegis[eval]'`` installs ``ragas``. The judge LLM RAGAS
uses is wrapped from an :class:`AegisChatModel` (``LangchainLLMWrapper``), so
RAGAS's own prompts go through the router: budgets apply and a private item is
judged on a local provider.

It must not import ``ragas`` before a RAGAS scorer runs, so the package works
without the extra.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import EvalItem

__all__ = ["INSTALL_HINT", "RagasScorer"]

INSTALL_HINT = "the ragas scorer needs the eval extra: pip install 'langchain-aegis[eval]'"

_METRICS = ("answer_correctness", "faithfulness")


class RagasScorer:
    """One RAGAS metric, judged by an AegisChatModel.

    Args:
        judge: the model RAGAS prompts.
        metric: ``answer_correctness`` (needs ``expected``) or ``faithfulness``
            (the item's system or first message is the context).

    Raises:
        ImportError: ``ragas`` is not installed (with the install hint).
        ValueError: an unknown metric.
    """

    def __init__(self, judge: AegisChatModel, metric: str = "answer_correctness") -> None:
        if metric not in _METRICS:
            raise ValueError(f"ragas metric {metric!r} is not supported; use one of {', '.join(_METRICS)}")
        try:
            from ragas import SingleTurnSample
            from ragas.llms import LangchainLLMWrapper
            from ragas.metrics import AnswerCorrectness, Faithfulness
        except ImportError as exc:
            raise ImportError(f"{INSTALL_HINT} ({exc.name or exc} is missing)") from None
        self.metric = metric
        self.needs_reference = metric == "answer_correctness"
        self._sample_type = SingleTurnSample
        llm = LangchainLLMWrapper(judge)
        self._metric: Any = (
            AnswerCorrectness(llm=llm, weights=[1.0, 0.0]) if self.needs_reference else Faithfulness(llm=llm)
        )

    def __call__(self, item: EvalItem, answer: str) -> float:
        """The metric's score for ``answer``."""
        context = [str(m.content) for m in item.messages[:-1]] or [item.prompt]
        reference = (
            None
            if item.expected is None
            else (item.expected if isinstance(item.expected, str) else json.dumps(item.expected, ensure_ascii=False))
        )
        sample = self._sample_type(
            user_input=item.prompt, response=answer, reference=reference, retrieved_contexts=context
        )
        return float(self._metric.single_turn_score(sample))
