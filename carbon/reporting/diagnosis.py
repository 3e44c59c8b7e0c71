"""Plotly figures of a diagnosis: Pareto of hotspots, MACC, target path (returns figures, never renders).

The reports and the app use these same functions. Every figure passes ``template="plotly_white"``
explicitly (Streamlit otherwise replaces the template with its own theme).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from carbon.errors import InputError, Problem

__all__ = ["fig_macc", "fig_pareto", "fig_target_path"]

TEMPLATE = "plotly_white"


def fig_pareto(table, *, title: str | None = None, top: int = 15) -> go.Figure:
    """Pareto chart: bars of t CO2e, line of cumulative share, the vital few highlighted.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`carbon.diagnosis.hotspots.pareto` output (label, co2e_t, cumulative_share, vital_few).
    top : int, default 15
        Rows shown; the rest are summed into "others".

    Returns
    -------
    plotly.graph_objects.Figure
        Bars [t CO2e] on the left axis, cumulative share [%] on the right.
    """
    if table is None or len(table) == 0:
        raise InputError([Problem("nothing to plot: the Pareto table is empty.")])
    t = table.head(top)
    labels = [str(x) for x in t["label"]]
    values = [float(x) for x in t["co2e_t"]]
    cum = [float(x) * 100 for x in t["cumulative_share"]]
    colors = ["#c0392b" if v else "#95a5a6" for v in t["vital_few"]]
    if len(table) > top:
        labels.append("others 其他")
        values.append(float(table["co2e_t"].iloc[top:].sum()))
        cum.append(100.0)
        colors.append("#bdc3c7")
    fig = go.Figure()
    fig.add_bar(x=labels, y=values, marker_color=colors, name="t CO2e", hovertemplate="%{x}<br>%{y:,.3f} t CO2e<extra></extra>")
    fig.add_scatter(x=labels, y=cum, yaxis="y2", mode="lines+markers", name="cumulative %", line={"color": "#2c3e50"})
    fig.add_hline(y=80, yref="y2", line={"dash": "dot", "color": "#7f8c8d"}, annotation_text="80 %")
    fig.update_layout(
        template=TEMPLATE,
        title=title or "碳排熱點 Pareto of emissions",
        yaxis={"title": "t CO2e"},
        yaxis2={"title": "cumulative share [%]", "overlaying": "y", "side": "right", "range": [0, 105], "tickvals": [0, 20, 40, 60, 80, 100],
                "ticksuffix": " %", "showgrid": False},
        xaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.25},
        bargap=0.2,
    )
    return fig


def fig_macc(points: list[dict], *, title: str | None = None) -> go.Figure:
    """Marginal abatement cost curve: bar width = t CO2e avoided per year, height = NT$ per t CO2e.

    Parameters
    ----------
    points : list of dict
        ``MaccResult.points`` (id, title, avoided_t, cost_ntd_per_t, x_start_t, x_end_t).

    Returns
    -------
    plotly.graph_objects.Figure
        Variable-width bars; negative costs (savings) below the axis.

    References
    ----------
    .. [1] McKinsey & Company, Pathways to a Low-Carbon Economy (2009).
    """
    if not points:
        raise InputError([Problem("nothing to plot: no measure has both avoided emissions and a cost.", hint="Give tariffs (prices) for the sources the measures act on.")])
    fig = go.Figure()
    for p in points:
        c = p["cost_ntd_per_t"]
        fig.add_bar(
            x=[(p["x_start_t"] + p["x_end_t"]) / 2],
            y=[c],
            width=[p["avoided_t"]],
            name=f"{p['id']} {p['title']}",
            marker_color="#27ae60" if c < 0 else "#e67e22",
            marker_line={"color": "white", "width": 1},
            hovertemplate=f"{p['id']} {p['title']}<br>{p['avoided_t']:,.1f} t CO2e/yr<br>NT${c:,.0f}/t<extra></extra>",
        )
    fig.update_layout(
        template=TEMPLATE,
        title=title or "邊際減碳成本曲線 MACC",
        xaxis={"title": "t CO2e avoided per year (cumulative)"},
        yaxis={"title": "abatement cost [NT$/t CO2e]"},
        bargap=0,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def fig_target_path(path, *, title: str | None = None) -> go.Figure:
    """Target path: the straight line to −X % by year Y, the projection with the measures, the gap.

    Parameters
    ----------
    path : carbon.diagnosis.portfolio.TargetPath

    Returns
    -------
    plotly.graph_objects.Figure
        Lines in t CO2e by year; the remaining gap annotated in the target year.
    """
    years = list(path.years)
    proj = [None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in path.projected_t]
    fig = go.Figure()
    fig.add_scatter(x=years, y=path.target_line_t, mode="lines", name=f"target path −{path.target_pct:g} % by {path.target_year}", line={"dash": "dash", "color": "#2980b9"})
    fig.add_scatter(x=years, y=proj, mode="lines+markers", name="with the measures", line={"color": "#c0392b"})
    gap = path.gap_t
    text = f"gap {gap:,.1f} t" if gap > 0 else f"met, {-gap:,.1f} t to spare"
    fig.add_annotation(x=path.target_year, y=path.projected_t[-1], text=text, showarrow=True, arrowhead=2)
    fig.update_layout(template=TEMPLATE, title=title or "減量目標路徑 target path", xaxis={"title": "year", "dtick": 1}, yaxis={"title": f"t CO2e ({path.scope})"})
    return fig
