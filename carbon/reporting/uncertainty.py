"""Plotly figures for the uncertainty results (returns figures, never renders).

Only this module and ``carbon/reporting.py`` import plotly; :mod:`carbon.uncertainty`
stays free of it.  Every figure passes ``template="plotly_white"`` explicitly, because
Streamlit otherwise replaces the template with its own theme.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from carbon.errors import InputError, Problem
from carbon.uncertainty import MonteCarloResult

__all__ = ["fig_uncertainty_histogram"]

TEMPLATE = "plotly_white"


def fig_uncertainty_histogram(
    mc_result: MonteCarloResult,
    deterministic_total: float | None = None,
    *,
    bins: int = 80,
    title: str | None = None,
) -> go.Figure:
    """Histogram of the Monte Carlo totals with the 95 % interval and the deterministic total.

    Parameters
    ----------
    mc_result : MonteCarloResult
        Result of :func:`carbon.uncertainty.monte_carlo` (its ``totals`` are plotted).
    deterministic_total : float, optional
        The inventory total computed without uncertainty; defaults to
        ``mc_result.deterministic_tco2e``. [t CO2e]
    bins : int, default 80
        Number of histogram bins. [1]
    title : str, optional
        Figure title; a default states the iterations and the interval.

    Returns
    -------
    plotly.graph_objects.Figure
        Probability-density histogram, a shaded band between the 2.5 and 97.5
        percentiles, dashed lines at the bounds and the mean, and a solid line at the
        deterministic total.  Template ``plotly_white``.

    Raises
    ------
    InputError
        If ``mc_result`` carries no sampled totals.

    References
    ----------
    .. [1] 2006 IPCC Guidelines, Vol. 1, Ch. 3, Section 3.2.3.2 (Approach 2 reporting).
    """
    totals = getattr(mc_result, "totals", None)
    if totals is None or len(totals) == 0:
        msg = "the Monte Carlo result has no sampled totals to plot."
        raise InputError([Problem(msg, hint="Pass the object returned by carbon.uncertainty.monte_carlo().")])
    det = float(mc_result.deterministic_tco2e if deterministic_total is None else deterministic_total)
    lo, hi, mean = float(mc_result.p2_5_tco2e), float(mc_result.p97_5_tco2e), float(mc_result.mean_tco2e)
    counts, edges = np.histogram(totals, bins=bins, density=True)
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=counts,
            width=np.diff(edges),
            marker={"color": "#4C78A8", "line": {"width": 0}},
            name="Monte Carlo total",
            hovertemplate="%{x:,.1f} t CO2e<br>density %{y:.3g}<extra></extra>",
        )
    )
    fig.add_vrect(x0=lo, x1=hi, fillcolor="#4C78A8", opacity=0.12, line_width=0, layer="below")
    ymax = float(counts.max()) * 1.08 if len(counts) else 1.0
    marks = [
        (lo, f"2.5 % {lo:,.1f}", "dash", "#E45756"),
        (hi, f"97.5 % {hi:,.1f}", "dash", "#E45756"),
        (mean, f"mean {mean:,.1f}", "dot", "#54A24B"),
        (det, f"deterministic {det:,.1f}", "solid", "#000000"),
    ]
    for x, label, dash, color in marks:
        fig.add_trace(
            go.Scatter(
                x=[x, x],
                y=[0, ymax],
                mode="lines",
                line={"dash": dash, "color": color, "width": 2},
                name=label,
                hovertemplate=f"{label} t CO2e<extra></extra>",
            )
        )
    if title is None:
        title = (
            f"Monte Carlo total, {mc_result.iterations:,} iterations: 95 % interval "
            f"−{mc_result.lower_pct:.2f} % / +{mc_result.upper_pct:.2f} % of the mean"
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title,
        xaxis_title="total emissions [t CO2e]",
        yaxis_title="probability density [1 / t CO2e]",
        bargap=0,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
