"""Plotly figures for product footprints: stage waterfall and Pareto hotspots (returns figures, never renders).

Every figure passes ``template="plotly_white"`` explicitly (Streamlit otherwise replaces it).
"""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["fig_hotspots", "fig_stage_waterfall"]

TEMPLATE = "plotly_white"


def fig_stage_waterfall(result, title: str | None = None) -> go.Figure:
    """Waterfall of the footprint by life-cycle stage, ending at the total.

    Parameters
    ----------
    result : carbon.product.ProductResult
        One product's result. Bars in [kg CO2e per declared unit].
    title : str, optional
        Figure title; a default names the product, declared unit and GWP set.
    """
    d = result.to_dict()
    stages = list(d["by_stage"].items())
    fig = go.Figure(go.Waterfall(
        x=[k for k, _ in stages] + ["合計 total"], y=[v for _, v in stages] + [d["total_kgco2e"]],
        measure=["relative"] * len(stages) + ["total"], text=[f"{v:,.4g}" for _, v in stages] + [f"{d['total_kgco2e']:,.4g}"],
        textposition="outside",
    ))
    fig.update_layout(template=TEMPLATE, yaxis_title="kg CO2e", showlegend=False,
                      title=title or f"{d['declared_unit']['text']} ({d['boundary']}, GWP {d['gwp_set']})")
    return fig


def fig_hotspots(result, share: float = 0.95, title: str | None = None) -> go.Figure:
    """Pareto chart: (process, input) contributions, largest first, with the cumulative share.

    Parameters
    ----------
    result : carbon.product.ProductResult
    share : float
        Show contributions until this cumulative share of the total. [-]
    """
    hs = result.hotspots(share)
    labels = [f"{h['process']} · {h['input'][:40]}" for h in hs]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[h["kgco2e"] for h in hs], name="kg CO2e")
    fig.add_scatter(x=labels, y=[100 * h["cumulative_share"] for h in hs], yaxis="y2", name="cumulative %", mode="lines+markers")
    fig.update_layout(template=TEMPLATE, yaxis={"title": "kg CO2e"}, yaxis2={"title": "%", "overlaying": "y", "side": "right", "range": [0, 100]},
                      title=title or f"Hotspots: {result.product.name}")
    return fig
