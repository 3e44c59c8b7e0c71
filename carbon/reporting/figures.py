"""Report and app figures over results (plotly), and their static images (kaleido).

The figure functions take plain results (totals by key, sorted source totals) and the
labels to show, so the app and the reports draw the same charts in either language.
Every figure passes ``template="plotly_white"`` to the figure itself (Streamlit replaces
the default template with one whose colours only its web front end fills in) and sets a
CJK font so Chinese labels render in exported images.

Static images come from kaleido driving the system Chromium (``/usr/bin/chromium`` or
``$BROWSER_PATH``); nothing is downloaded.  One long-lived browser serves a process.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import threading
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from carbon.errors import CarbonError
from carbon.reporting.uncertainty import fig_uncertainty_histogram

__all__ = ["FONT", "chromium_path", "fig_breakdown", "fig_pareto", "fig_stacked", "fig_uncertainty", "fig_waterfall", "to_image", "warm_up"]

TEMPLATE = "plotly_white"
FONT = "Noto Sans CJK TC, Noto Sans CJK, sans-serif"
PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#EECA3B", "#9D755D")

_lock = threading.Lock()


def _layout(fig: go.Figure, title: str | None, **kw) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.02} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 70, "r": 30, "t": 60 if title else 20, "b": 60},
        **kw,
    )
    return fig


def fig_breakdown(values: Mapping[str, float], *, title: str | None = None, value_label: str = "t CO2e") -> go.Figure:
    """Horizontal bars of emissions by category, scope or gas, with each bar's share.

    Parameters
    ----------
    values : mapping of str to float
        Label → emissions, in the order to show (top to bottom). [t CO2e]
    title : str, optional
        Figure title (already translated).
    value_label : str
        Axis title of the values, e.g. ``"排放量 [t CO2e]"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Bars labelled with the value and its percentage of the sum.
    """
    labels = [str(k) for k in values]
    nums = [float(v) for v in values.values()]
    total = sum(nums)
    text = [f"{v:,.3f} ({v / total * 100:.1f} %)" if total else f"{v:,.3f}" for v in nums]
    fig = go.Figure(
        go.Bar(
            x=nums,
            y=labels,
            orientation="h",
            text=text,
            textposition="auto",
            marker={"color": [PALETTE[i % len(PALETTE)] for i in range(len(nums))]},
            hovertemplate="%{y}: %{x:,.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, xaxis_title=value_label, showlegend=False, height=max(260, 70 + 46 * len(nums)))


def fig_pareto(
    values: Sequence[tuple[str, float]],
    *,
    title: str | None = None,
    value_label: str = "t CO2e",
    cumulative_label: str = "cumulative %",
    threshold_pct: float = 80.0,
    top: int = 15,
) -> go.Figure:
    """Pareto chart: sources by emissions (bars) and their cumulative share (line).

    Parameters
    ----------
    values : sequence of (label, emissions)
        Sources and their emissions [t CO2e]; sorted here, largest first.
    title, value_label, cumulative_label : str
        Translated labels.
    threshold_pct : float
        Level of the dashed reference line (the usual 80 % rule). [%]
    top : int
        Number of sources shown; the rest are summed into one bar labelled ``…``.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    items = sorted(((str(k), float(v)) for k, v in values), key=lambda kv: -kv[1])
    if len(items) > top:
        rest = sum(v for _, v in items[top - 1 :])
        items = items[: top - 1] + [(f"… ({len(items) - top + 1})", rest)]
    total = sum(v for _, v in items) or 1.0
    cum, run = [], 0.0
    for _, v in items:
        run += v
        cum.append(run / total * 100)
    labels = [k for k, _ in items]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=[v for _, v in items], name=value_label, marker={"color": PALETTE[0]}))
    fig.add_trace(
        go.Scatter(x=labels, y=cum, name=cumulative_label, yaxis="y2", mode="lines+markers", line={"color": PALETTE[1], "width": 2})
    )
    fig.add_hline(y=threshold_pct, yref="y2", line={"dash": "dash", "color": "#888888", "width": 1})
    return _layout(
        fig,
        title,
        yaxis={"title": value_label},
        yaxis2={"title": cumulative_label, "overlaying": "y", "side": "right", "range": [0, 105], "tickvals": [0, 20, 40, 60, 80, 100], "ticksuffix": " %", "showgrid": False},
        legend={"orientation": "h", "y": -0.3},
        height=420,
    )


def fig_stacked(
    categories: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str | None = None, value_label: str = ""
) -> go.Figure:
    """Stacked vertical bars: one bar per category, one colour per series.

    Parameters
    ----------
    categories : sequence of str
        Bar labels (e.g. CN codes of goods).
    series : mapping of str to sequence of float
        Series name → one value per category (e.g. direct and indirect SEE). [any unit]
    title, value_label : str
        Translated labels.
    """
    fig = go.Figure()
    for i, (name, vals) in enumerate(series.items()):
        fig.add_trace(go.Bar(x=list(categories), y=[float(v) for v in vals], name=name, marker={"color": PALETTE[i % len(PALETTE)]},
                             text=[f"{float(v):,.3f}" for v in vals], textposition="inside"))
    return _layout(fig, title, barmode="stack", yaxis_title=value_label, legend={"orientation": "h", "y": -0.2}, height=400)


def fig_waterfall(steps: Mapping[str, float], *, total_label: str = "total", title: str | None = None, value_label: str = "") -> go.Figure:
    """Waterfall: each step (e.g. a life-cycle stage) adds to the running total, then the total.

    Parameters
    ----------
    steps : mapping of str to float
        Label → contribution, in order (negative values, e.g. credits, go down). [any unit]
    total_label : str
        Label of the closing total bar.
    """
    labels = [*map(str, steps), total_label]
    values = [float(v) for v in steps.values()]
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=[*values, sum(values)],
            measure=["relative"] * len(values) + ["total"],
            text=[f"{v:,.4g}" for v in [*values, sum(values)]],
            textposition="outside",
            increasing={"marker": {"color": PALETTE[0]}},
            decreasing={"marker": {"color": PALETTE[2]}},
            totals={"marker": {"color": PALETTE[1]}},
            connector={"line": {"color": "#888888", "width": 1}},
        )
    )
    return _layout(fig, title, yaxis_title=value_label, showlegend=False, height=400)


def fig_uncertainty(mc_result, *, title: str | None, x_label: str, y_label: str, names: Mapping[str, str] | None = None) -> go.Figure:
    """The Monte Carlo histogram of :mod:`carbon.reporting.uncertainty`, with translated labels.

    ``names`` maps the English words of the trace names (``"Monte Carlo total"``, ``"mean"``,
    ``"deterministic"``) to translations.
    """
    fig = fig_uncertainty_histogram(mc_result, title=title or "")
    for tr in fig.data:
        for en, local in (names or {}).items():
            if tr.name and en in tr.name:
                tr.name = tr.name.replace(en, local)
    return _layout(fig, title, xaxis_title=x_label, yaxis_title=y_label, height=400)


def chromium_path() -> str | None:
    """The Chromium kaleido will use: ``$BROWSER_PATH``, else ``chromium``/``google-chrome`` on PATH."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if os.path.exists(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


_start_lock = threading.Lock()
_started = threading.Event()


def _start() -> None:
    """Start the one kaleido browser of this process (once; thread-safe)."""
    with _start_lock:
        if _started.is_set():
            return
        if chromium_path() is None:
            msg = (
                "charts need a Chromium browser for kaleido, and none was found. "
                "Install it (Debian: apt-get install chromium fonts-noto-cjk) or set BROWSER_PATH; "
                "or build the report without charts (carbon report … --no-charts)."
            )
            raise CarbonError(msg)
        import kaleido

        # one headless chromium for the process; mathjax=False or kaleido reaches for a CDN
        kaleido.start_sync_server(n=1, mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _started.set()


def warm_up() -> threading.Thread:
    """Start the browser in the background (it takes ~3 s) while the caller does other work.

    A failure (no Chromium) is raised again, with its message, by the first :func:`to_image`.
    """

    def run() -> None:
        with contextlib.suppress(CarbonError):
            _start()

    th = threading.Thread(target=run, name="kaleido-warm-up", daemon=True)
    th.start()
    return th


def to_image(fig: go.Figure, fmt: str = "png", *, width: int = 900, height: int | None = None, scale: float = 2) -> bytes:
    """Render ``fig`` to PNG or SVG bytes with kaleido and the system Chromium.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    fmt : {"png", "svg"}
    width, height : int
        Size in CSS pixels; ``height`` defaults to the figure's own or 450. [px]
    scale : float
        Pixel density of PNGs (2 prints sharply at 16 cm). [1]

    Raises
    ------
    CarbonError
        No Chromium on this machine (with how to install one).
    """
    _start()
    import kaleido

    h = height or fig.layout.height or 450
    with _lock:
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": h, "scale": scale})
