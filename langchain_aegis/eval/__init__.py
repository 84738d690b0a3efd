"""Quality: offline evaluation of providers, online feedback, shadow comparison.

- :mod:`~langchain_aegis.eval.dataset`: JSONL datasets of :class:`EvalItem`.
- :mod:`~langchain_aegis.eval.scorers`: the :class:`Scorer` protocol and the built-in scorers.
- :mod:`~langchain_aegis.eval.runner`: :func:`run_eval`, every item through every chosen provider.
- :mod:`~langchain_aegis.eval.report`: the comparison as a table, JSON or Markdown.
- :mod:`~langchain_aegis.eval.stats`: bootstrap confidence intervals.
- :mod:`~langchain_aegis.eval.store`: quality scores per window in the rollout state store.
- :mod:`~langchain_aegis.eval.feedback`: :func:`record_feedback`, the online signal.
- :mod:`~langchain_aegis.eval.shadow`: shadow calls to a baseline during a rollout.

Nothing here may bypass the router: every evaluation, judge and shadow call
goes through an ``AegisChatModel``, so budgets and the egress gate apply.
"""

from langchain_aegis.eval.dataset import DatasetError, EvalItem, load_dataset
from langchain_aegis.eval.feedback import record_feedback
from langchain_aegis.eval.runner import EvalResult, run_eval
from langchain_aegis.eval.scorers import Scorer, resolve_scorer

__all__ = [
    "DatasetError",
    "EvalItem",
    "EvalResult",
    "Scorer",
    "load_dataset",
    "record_feedback",
    "resolve_scorer",
    "run_eval",
]
