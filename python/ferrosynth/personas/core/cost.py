"""Cost estimation: the LLM layer's dated price table and estimator, under the seed SDK's name.

A persona run's estimate (tokens and USD, no request sent) is
:meth:`PersonaGenerator.estimate_cost <ferrosynth.personas.PersonaGenerator.estimate_cost>`.
"""

from __future__ import annotations

from ferrosynth.llm import CostEstimate, CostEstimator, PricingData, cost_of

__all__ = ["CostEstimate", "CostEstimator", "PricingData", "cost_of"]
