"""Measure library: reduction measures as documented engineering calculations.

Every measure acts on one inventory source (an electricity source in kWh, or a fuel source in
GJ) and, optionally, on a named *system* of it (e.g. "compressors", with its annual energy
``load``). It states its inputs, its labelled defaults, its assumptions and references; it gives
energy saved, t CO2e avoided with the **inventory's own factors and GWP set** (the factor rows of
the source it acts on), NT$ saved at the tariff of that source, capex, simple payback and
abatement cost:

    abatement cost [TWD/t CO2e] = (capex × CRF(r, n) + Δopex − energy cost saved) ÷ t CO2e avoided,
    CRF(r, n) = r (1 + r)^n ÷ ((1 + r)^n − 1)  (capital recovery factor; r = 0: 1/n).

Measures are either *fractional* (they save a share of what is left of their system's energy,
so two measures on one compressor never both save its whole energy) or *absolute* (they save an
amount, e.g. PV kWh, capped by what is left). :mod:`carbon.diagnosis.portfolio` applies them in
order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

from carbon.errors import InputError, Problem

if TYPE_CHECKING:
    from carbon.diagnosis.baseline import Baseline

__all__ = ["MEASURES", "Context", "Measure", "MeasureResult", "Saving", "crf", "evaluate", "make_measure"]

#: Physical constants used by the heat measures.
CP_WATER_KJ_PER_KG_K = 4.186  # specific heat of liquid water near 20–80 °C [kJ/(kg·K)]
RHO_WATER_KG_PER_M3 = 1000.0  # density of water (rounded; 971–998 between 20 and 80 °C) [kg/m3]
P_ATM_BAR = 1.01325  # standard atmosphere [bar]


def crf(rate: float, years: float) -> float:
    """Capital recovery factor: the annuity that repays 1 over ``years`` at ``rate``.

    >>> round(crf(0.05, 10), 6)
    0.129505
    >>> crf(0.0, 4)
    0.25
    """
    if years <= 0:
        msg = f"life {years!r} years must be > 0."
        raise InputError([Problem(msg, column="life_years", hint="Give the measure's service life in years.")])
    if rate == 0:
        return 1.0 / years
    f = (1 + rate) ** years
    return rate * f / (f - 1)


@dataclass(frozen=True)
class Context:
    """What evaluating a measure needs besides the measure: the baseline, tariffs, discount rate.

    ``prices`` maps a source id to (NT$ per energy unit of that source, text of the tariff as given).
    """

    baseline: Baseline
    prices: dict[str, tuple[float, str]] = field(default_factory=dict)
    discount_rate: float = 0.05
    discount_rate_default: bool = True


@dataclass
class Saving:
    """What one measure does to what is left of its system (energy in the source's unit)."""

    saved: float
    lines: list[str]
    added_co2e_t: float = 0.0
    added_cost_ntd: float = 0.0
    added: list[dict] = field(default_factory=list)
    energy_cost_saving: bool = True
    market_only: bool = False
    extra_opex_ntd: float = 0.0


@dataclass(frozen=True)
class MeasureResult:
    """One measure evaluated (alone, or at its place in a portfolio). Units in the field names."""

    id: str
    kind: str
    title: str
    name: str
    source_id: str
    system: str | None
    energy_unit: str
    load_before: float
    saved_energy: float
    saved_activity: float
    activity_unit: str
    saved_kwh: float
    saved_fuel_gj: float
    avoided_t: float
    avoided_market_t: float
    added_co2e_t: float
    cost_saving_ntd: float | None
    opex_change_ntd: float
    capex_ntd: float
    life_years: float
    discount_rate: float
    annualised_capex_ntd: float
    simple_payback_years: float | None
    abatement_cost_ntd_per_t: float | None
    year: int | None
    defaults_used: dict
    assumptions: tuple[str, ...]
    references: tuple[str, ...]
    lines: tuple[str, ...]

    def to_dict(self) -> dict:
        """JSON form."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["assumptions"], d["references"], d["lines"] = list(self.assumptions), list(self.references), list(self.lines)
        return d

    def explain(self) -> str:
        """The working with units, one step a line."""
        return "\n".join(self.lines)


@dataclass
class Measure:
    """Base of every measure.

    Parameters
    ----------
    id : str
        Measure id, e.g. ``"M1"``.
    source_id : str
        The inventory source it acts on (electricity or fuel).
    name : str
        Readable name.
    capex_ntd : float
        Investment. [TWD]
    opex_change_ntd : float
        Change of operating and maintenance cost per year (+ = more cost). [TWD/yr]
    life_years : float, optional
        Service life; a labelled default per measure type. [yr]
    system : str, optional
        Name of the equipment system acted on; measures naming the same system share its energy.
    load : float, optional
        Annual energy of that system. [kWh for electricity, GJ for fuel]; default: computed
        from the measure's nameplate inputs where it has them, else the whole source.
    year : int, optional
        Year the measure takes effect (target path); default the year after the inventory.
    """

    id: str
    source_id: str
    name: str = ""
    capex_ntd: float = 0.0
    opex_change_ntd: float = 0.0
    life_years: float | None = None
    system: str | None = None
    load: float | None = None
    year: int | None = None
    note: str = ""

    kind: ClassVar[str] = ""
    title: ClassVar[str] = ""
    carrier: ClassVar[str] = "electricity"
    DEFAULTS: ClassVar[dict[str, tuple[Any, str, str]]] = {}  # (value, unit, label); the value is mostly a number
    LIFE: ClassVar[tuple[float, str]] = (10.0, "assumption: a typical service life; replace with the equipment's")
    ASSUMPTIONS: ClassVar[tuple[str, ...]] = ()
    REFERENCES: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        self._used: dict[str, str] = {}

    # -- inputs ------------------------------------------------------------------------
    def p(self, name: str) -> Any:
        """An input: the value given, or the labelled default (recorded as used).

        Mostly a number; a few inputs are lists (compressors, flow profile) or text.
        """
        v = getattr(self, name, None)
        if v is not None:
            return v
        if name in self.DEFAULTS:
            val, unit, label = self.DEFAULTS[name]
            self._used[name] = f"{val:g} {unit} — default: {label}"
            return val
        msg = f"measure {self.id} ({self.kind}) needs '{name}'."
        raise InputError([Problem(msg, column=name, hint=f"Give {name} in the measure's row (see `carbon diagnosis-template`).")])

    def inputs_text(self) -> list[str]:
        """Named inputs of this measure with their values (given or default)."""
        out = []
        for f in fields(self):
            if f.name in ("id", "source_id", "name", "note"):
                continue
            v = getattr(self, f.name)
            if v is None and f.name in self.DEFAULTS:
                continue
            if v is not None and v != "" and not (f.name in ("capex_ntd", "opex_change_ntd") and v == 0):
                out.append(f"{f.name} = {v}")
        return out

    # -- physics --------------------------------------------------------------------------
    def own_load(self, src) -> float | None:
        """Annual energy of the equipment from nameplate inputs, where the measure has them [kWh or GJ]."""
        return None

    def fraction(self, src) -> tuple[float, list[str]]:
        """Share of the system's energy saved [1] and the working; fractional measures override this."""
        raise NotImplementedError

    def saving(self, load_now: float, src, ctx: Context) -> Saving:
        """Energy saved out of what is left (``load_now``) of the system [kWh or GJ]."""
        f, lines = self.fraction(src)
        if not 0 <= f <= 1:
            msg = f"measure {self.id}: the computed saving share {f:.4f} is outside 0–1; check the inputs."
            raise InputError([Problem(msg, column="id")])
        saved = f * load_now
        lines.append(f"saved = {f:.4%} × {load_now:,.2f} {src.energy_unit} left on the system = {saved:,.2f} {src.energy_unit}/yr")
        return Saving(saved, lines)


# ---------------------------------------------------------------------------------------------
# compressed air
# ---------------------------------------------------------------------------------------------
@dataclass
class AirLeakRepair(Measure):
    """Compressed-air leak repair: less air wasted, less compressor energy.

    Inputs: ``leak_share_before`` (leaks as a share of compressor output, from a no-load
    test or an ultrasonic survey) [1], ``leak_share_after`` [1]; ``load`` = the compressors'
    annual energy [kWh].

    Defaults: leak_share_before 0.25 (typical plant: 20–30 % of output [1]),
    leak_share_after 0.10 (well-maintained systems stay below 10 % [1]).

    Working: useful demand D stays; output Q = D ÷ (1 − leak share), so
    saving share = 1 − (1 − l0) ÷ (1 − l1) = (l0 − l1) ÷ (1 − l1).

    Assumptions: compressor energy proportional to output (good part-load control; with
    load/unload control the saving is smaller).

    References
    ----------
    .. [1] U.S. DOE, Improving Compressed Air System Performance: a Sourcebook for Industry (2003),
       fact sheet "Compressed Air System Leaks".
    """

    leak_share_before: float | None = None
    leak_share_after: float | None = None

    kind: ClassVar[str] = "air_leak_repair"
    title: ClassVar[str] = "壓縮空氣洩漏修補 compressed-air leak repair"
    DEFAULTS: ClassVar = {
        "leak_share_before": (0.25, "1", "typical plant 20–30 % of output (DOE Sourcebook 2003)"),
        "leak_share_after": (0.10, "1", "well-maintained system < 10 % (DOE Sourcebook 2003)"),
    }
    LIFE: ClassVar = (2.0, "assumption: leaks recur; repair campaign repeated every ~2 years")
    ASSUMPTIONS: ClassVar = ("compressor energy proportional to air output",)
    REFERENCES: ClassVar = ("U.S. DOE, Improving Compressed Air System Performance: a Sourcebook for Industry (2003), 'Compressed Air System Leaks'",)

    def fraction(self, src):
        """Saving share (l0 − l1) ÷ (1 − l1)."""
        l0, l1 = self.p("leak_share_before"), self.p("leak_share_after")
        f = (l0 - l1) / (1 - l1)
        return f, [f"leak share {l0:.1%} → {l1:.1%}: saving share = ({l0:g} − {l1:g}) ÷ (1 − {l1:g}) = {f:.4%}"]


def _compression_work(p_barg: float, kappa: float, stages: int) -> float:
    """Adiabatic compression work per unit of intake air (relative): N × ((p/p_atm)^((κ−1)/(κN)) − 1)."""
    r = (p_barg + P_ATM_BAR) / P_ATM_BAR
    return stages * (r ** ((kappa - 1) / (kappa * stages)) - 1)


@dataclass
class AirPressureReduction(Measure):
    """Lower compressed-air discharge pressure: less compression work per m³ of air.

    Inputs: ``pressure_before_barg``, ``pressure_after_barg`` [bar(g)]; ``stages`` (1 or 2)
    [1]; ``load`` = the compressors' annual energy [kWh].

    Defaults: kappa κ = 1.4 (air); stages 1; atmospheric pressure 1.01325 bar.

    Working: adiabatic work w(p) = N((p_abs/p_atm)^((κ−1)/(κN)) − 1); saving share = 1 − w(p1)/w(p0).
    (About 1 % per 0.14 bar (2 psi) near 7 bar(g), the sourcebook's rule of thumb.)

    Assumptions: the same air mass delivered; savings from lower leakage and unregulated
    end uses at lower pressure are not counted (conservative).

    References
    ----------
    .. [1] U.S. DOE, Improving Compressed Air System Performance: a Sourcebook for Industry (2003),
       "Pressure Drop and Controlling System Pressure".
    .. [2] Any thermodynamics text: adiabatic (isentropic) compression work of an ideal gas.
    """

    pressure_before_barg: float | None = None
    pressure_after_barg: float | None = None
    stages: int | None = None
    kappa: float | None = None

    kind: ClassVar[str] = "air_pressure_reduction"
    title: ClassVar[str] = "空壓機降壓 compressed-air pressure reduction"
    DEFAULTS: ClassVar = {
        "stages": (1, "stage(s)", "single-stage compression (assumption)"),
        "kappa": (1.4, "1", "ratio of specific heats of air"),
    }
    LIFE: ClassVar = (5.0, "assumption: set-point change plus regulators, ~5 years")
    ASSUMPTIONS: ClassVar = ("same air mass delivered", "leak and artificial-demand reduction not counted")
    REFERENCES: ClassVar = ("U.S. DOE Compressed Air Sourcebook (2003), 'Pressure Drop and Controlling System Pressure'", "adiabatic compression work of an ideal gas")

    def fraction(self, src):
        """Saving share 1 − w(p1)/w(p0)."""
        p0, p1 = self.p("pressure_before_barg"), self.p("pressure_after_barg")
        k, n = self.p("kappa"), int(self.p("stages"))
        w0, w1 = _compression_work(p0, k, n), _compression_work(p1, k, n)
        f = 1 - w1 / w0
        return f, [
            f"w(p) = {n} × ((p + {P_ATM_BAR}) / {P_ATM_BAR})^(({k:g} − 1)/({k:g} × {n})) − 1: "
            f"w({p0:g} bar g) = {w0:.5f}, w({p1:g} bar g) = {w1:.5f}",
            f"saving share = 1 − {w1:.5f} / {w0:.5f} = {f:.4%}",
        ]


def _lu_power(load: float, unload_share: float) -> float:
    """Load/unload compressor input power as a share of full-load power at a load share."""
    return 0.0 if load <= 0 else unload_share + (1 - unload_share) * load


@dataclass
class CompressorVSD(Measure):
    """Variable-speed drive on a load/unload air compressor.

    Inputs: ``load_share`` = average air demand ÷ rated output [1]; ``load`` = the
    compressor's annual energy [kWh].

    Defaults: unload_power_share 0.25 (unloaded compressors draw 15–35 % of full-load
    power [1]); drive_efficiency 0.97 (assumption: VSD losses ~3 %).

    Working: load/unload power share p_lu = u + (1 − u) L; VSD power share p_vsd = L ÷ η_drive;
    saving share = 1 − p_vsd ÷ p_lu.

    Assumptions: demand within the VSD's speed range; storage adequate for load/unload.

    References
    ----------
    .. [1] U.S. DOE Compressed Air Sourcebook (2003), "Compressed Air System Controls".
    """

    load_share: float | None = None
    unload_power_share: float | None = None
    drive_efficiency: float | None = None

    kind: ClassVar[str] = "compressor_vsd"
    title: ClassVar[str] = "空壓機變頻 compressor variable-speed drive"
    DEFAULTS: ClassVar = {
        "unload_power_share": (0.25, "1", "unloaded power 15–35 % of full load (DOE Sourcebook 2003)"),
        "drive_efficiency": (0.97, "1", "assumption: VSD losses about 3 %"),
    }
    ASSUMPTIONS: ClassVar = ("demand within the drive's speed range",)
    REFERENCES: ClassVar = ("U.S. DOE Compressed Air Sourcebook (2003), 'Compressed Air System Controls'",)

    def fraction(self, src):
        """Saving share 1 − (L/η) ÷ (u + (1 − u)L)."""
        ls, u, eta = self.p("load_share"), self.p("unload_power_share"), self.p("drive_efficiency")
        p_lu, p_vsd = _lu_power(ls, u), ls / eta
        f = max(0.0, 1 - p_vsd / p_lu)
        return f, [
            f"load/unload power share = {u:g} + (1 − {u:g}) × {ls:g} = {p_lu:.4f}; VSD power share = {ls:g} ÷ {eta:g} = {p_vsd:.4f}",
            f"saving share = 1 − {p_vsd:.4f} / {p_lu:.4f} = {f:.4%}",
        ]


@dataclass
class CompressorSequencing(Measure):
    """Multi-compressor sequencing control (多台空壓機連動控制): base machines full, one trims.

    Inputs: ``compressors`` = list of ``{id, kw, flow_m3_min}`` (rated input power [kW] and
    free-air delivery [m³/min]); ``demand_m3_min`` = average air demand [m³/min];
    ``hours`` = operating hours [h/yr] (used for the load when ``load`` is not given).

    Defaults: unload_power_share 0.25 (DOE Sourcebook: 15–35 %).

    Working: before, every machine runs loaded/unloaded sharing the demand equally
    (L = demand ÷ Σ flow, P = Σ kW (u + (1 − u) L)); after, the most efficient machines
    (lowest kW per m³/min) run fully loaded, one trims at part load, the rest stop.
    saving share = 1 − P_after ÷ P_before.

    Assumptions: load/unload control on every machine; demand steady at its average.

    References
    ----------
    .. [1] U.S. DOE Compressed Air Sourcebook (2003), "Compressed Air System Controls" (multiple-compressor control).
    """

    compressors: list | None = None
    demand_m3_min: float | None = None
    hours: float | None = None
    unload_power_share: float | None = None

    kind: ClassVar[str] = "compressor_sequencing"
    title: ClassVar[str] = "多台空壓機連動控制 multi-compressor sequencing"
    DEFAULTS: ClassVar = {"unload_power_share": (0.25, "1", "unloaded power 15–35 % of full load (DOE Sourcebook 2003)")}
    ASSUMPTIONS: ClassVar = ("load/unload control on every machine", "steady demand at its average")
    REFERENCES: ClassVar = ("U.S. DOE Compressed Air Sourcebook (2003), 'Compressed Air System Controls'",)

    def _machines(self) -> list[dict]:
        ms = self.p("compressors")
        if not ms:
            raise InputError([Problem(f"measure {self.id}: give the compressors [{{id, kw, flow_m3_min}}, …].", column="compressors")])
        return [{"id": str(m.get("id", i + 1)), "kw": float(m["kw"]), "flow": float(m["flow_m3_min"])} for i, m in enumerate(ms)]

    def powers(self) -> tuple[float, float, list[str]]:
        """Input power before and after sequencing [kW] with the working."""
        ms, d, u = self._machines(), self.p("demand_m3_min"), self.p("unload_power_share")
        cap = sum(m["flow"] for m in ms)
        if d > cap:
            raise InputError([Problem(f"measure {self.id}: demand {d:g} m³/min exceeds the machines' {cap:g} m³/min.", column="demand_m3_min")])
        share = d / cap
        before = sum(m["kw"] * _lu_power(share, u) for m in ms)
        lines = [f"before: all {len(ms)} machines share {d:g} of {cap:g} m³/min, load {share:.4f}; P = Σ kW × ({u:g} + {1 - u:g} × {share:.4f}) = {before:,.2f} kW"]
        left, after, parts = d, 0.0, []
        for m in sorted(ms, key=lambda m: m["kw"] / m["flow"]):
            if left <= 0:
                parts.append(f"{m['id']} off")
                continue
            ls = min(1.0, left / m["flow"])
            pw = m["kw"] * _lu_power(ls, u)
            after += pw
            left -= ls * m["flow"]
            parts.append(f"{m['id']} load {ls:.4f} → {pw:,.2f} kW")
        lines.append(f"after (most efficient first): {'; '.join(parts)}; P = {after:,.2f} kW")
        return before, after, lines

    def own_load(self, src):
        """Compressor energy before = P_before × hours [kWh]."""
        if self.hours is None:
            return None
        return self.powers()[0] * self.hours

    def fraction(self, src):
        """Saving share 1 − P_after ÷ P_before."""
        before, after, lines = self.powers()
        f = 1 - after / before
        lines.append(f"saving share = 1 − {after:,.2f} / {before:,.2f} = {f:.4%}")
        return f, lines


# ---------------------------------------------------------------------------------------------
# pumps, fans, motors, lighting, chillers
# ---------------------------------------------------------------------------------------------
@dataclass
class PumpFanVSD(Measure):
    """Variable-speed drive on a centrifugal pump or fan instead of throttling (affinity laws).

    Inputs: ``flow_profile`` = list of ``[flow share, time share]`` [1, 1]; ``motor_kw`` and
    ``hours`` (for the load) [kW, h/yr]; optional ``baseline_power_share`` per point (measured).

    Defaults: static_head_share 0 (pure friction system); throttle_base_share 0.6 (throttled
    power share p = a + (1 − a)q, an illustrative curve — replace with measured power);
    drive_efficiency 0.97.

    Working: affinity laws Q ∝ n, H ∝ n², P ∝ n³; on a system curve H = h_s + (1 − h_s)q²,
    VSD power share = q (h_s + (1 − h_s) q²) ÷ η_drive; saving share = 1 − Σ t·p_vsd ÷ Σ t·p_throttle.

    Assumptions: pump/fan efficiency constant over the speed range; motor fully loaded at q = 1.

    References
    ----------
    .. [1] Europump and Hydraulic Institute, Variable Speed Pumping: A Guide to Successful Applications (2004).
    .. [2] Affinity (similarity) laws of centrifugal machines.
    """

    flow_profile: list | None = None
    baseline_power_share: list | None = None
    motor_kw: float | None = None
    hours: float | None = None
    static_head_share: float | None = None
    throttle_base_share: float | None = None
    drive_efficiency: float | None = None

    kind: ClassVar[str] = "pump_fan_vsd"
    title: ClassVar[str] = "泵浦/風機變頻 pump/fan VSD"
    DEFAULTS: ClassVar = {
        "static_head_share": (0.0, "1", "assumption: friction-only system"),
        "throttle_base_share": (0.6, "1", "illustrative throttled power curve p = a + (1 − a)q; replace with measured power"),
        "drive_efficiency": (0.97, "1", "assumption: VSD losses about 3 %"),
    }
    LIFE: ClassVar = (15.0, "assumption: drive service life ~15 years")
    ASSUMPTIONS: ClassVar = ("machine efficiency constant over the speed range",)
    REFERENCES: ClassVar = ("Europump & Hydraulic Institute, Variable Speed Pumping (2004)", "affinity laws")

    def own_load(self, src):
        """Motor kW × hours × Σ t·p_throttle [kWh]."""
        if self.motor_kw is None or self.hours is None:
            return None
        return self.motor_kw * self.hours * self._throttle()[0]

    def _throttle(self) -> tuple[float, list[float]]:
        prof = self.p("flow_profile")
        if self.baseline_power_share is not None:
            ps = [float(x) for x in self.baseline_power_share]
        else:
            a = self.p("throttle_base_share")
            ps = [a + (1 - a) * float(q) for q, _ in prof]
        return sum(p * float(t) for p, (_, t) in zip(ps, prof, strict=True)), ps

    def fraction(self, src):
        """Saving share 1 − Σ t·p_vsd ÷ Σ t·p_throttle."""
        prof = self.p("flow_profile")
        tot = sum(float(t) for _, t in prof)
        if abs(tot - 1) > 1e-6:
            raise InputError([Problem(f"measure {self.id}: the time shares of flow_profile add to {tot:g}, not 1.", column="flow_profile")])
        hs, eta = self.p("static_head_share"), self.p("drive_efficiency")
        base, ps = self._throttle()
        vsd = [float(q) * (hs + (1 - hs) * float(q) ** 2) / eta for q, _ in prof]
        after = sum(v * float(t) for v, (_, t) in zip(vsd, prof, strict=True))
        f = 1 - after / base
        pts = ", ".join(f"q {float(q):g} ({float(t):.0%}): {p:.3f} → {v:.3f}" for (q, t), p, v in zip(prof, ps, vsd, strict=True))
        return f, [f"power share throttled → VSD [q (h_s + (1 − h_s) q²) ÷ η, h_s {hs:g}, η {eta:g}]: {pts}", f"saving share = 1 − {after:.4f} / {base:.4f} = {f:.4%}"]


@dataclass
class EfficientMotor(Measure):
    """Replace a motor with a high-efficiency one (IE3/IE4, IEC 60034-30-1).

    Inputs: ``eff_before``, ``eff_after`` (nameplate or IEC 60034-30-1 class efficiencies at
    the operating load) [1]; ``motor_kw`` (rated output), ``hours``, ``count`` (for the load).

    Defaults: load_share 0.75 (assumption: typical motor loading).

    Working: same shaft power, input = shaft ÷ η; saving share = 1 − η_before ÷ η_after;
    load = kW × load share × hours × count ÷ η_before.

    References
    ----------
    .. [1] IEC 60034-30-1:2014, efficiency classes of line-operated AC motors (IE code).
    """

    eff_before: float | None = None
    eff_after: float | None = None
    motor_kw: float | None = None
    hours: float | None = None
    count: int | None = None
    load_share: float | None = None

    kind: ClassVar[str] = "efficient_motor"
    title: ClassVar[str] = "高效率馬達 IE3/IE4 motor"
    DEFAULTS: ClassVar = {"load_share": (0.75, "1", "assumption: typical motor loading"), "count": (1, "motor", "one motor")}
    LIFE: ClassVar = (15.0, "assumption: motor service life ~15 years")
    ASSUMPTIONS: ClassVar = ("same shaft power and hours after replacement",)
    REFERENCES: ClassVar = ("IEC 60034-30-1:2014 efficiency classes",)

    def own_load(self, src):
        """Motor energy before: kW × load share × hours × count ÷ η_before [kWh]."""
        if self.motor_kw is None or self.hours is None:
            return None
        return self.motor_kw * self.p("load_share") * self.hours * self.p("count") / self.p("eff_before")

    def fraction(self, src):
        """Saving share 1 − η_before ÷ η_after."""
        e0, e1 = self.p("eff_before"), self.p("eff_after")
        f = 1 - e0 / e1
        return f, [f"efficiency {e0:.1%} → {e1:.1%}: saving share = 1 − {e0:g} / {e1:g} = {f:.4%}"]


@dataclass
class LEDLighting(Measure):
    """Replace luminaires with LED.

    Inputs: ``count``, ``watts_before``, ``watts_after`` (per luminaire, incl. ballast) [W];
    ``hours`` [h/yr].

    Working: saving share = 1 − W_after ÷ W_before; load = count × W_before × hours ÷ 1000 [kWh].

    Assumptions: same light output and hours; air-conditioning interaction not counted.

    References
    ----------
    .. [1] Energy balance of the luminaires (power × time).
    """

    count: int | None = None
    watts_before: float | None = None
    watts_after: float | None = None
    hours: float | None = None

    kind: ClassVar[str] = "led_lighting"
    title: ClassVar[str] = "LED 照明 LED lighting"
    ASSUMPTIONS: ClassVar = ("same light output and hours", "HVAC interaction not counted")
    REFERENCES: ClassVar = ("power × time of the luminaires",)

    def own_load(self, src):
        """Lighting energy before: count × W_before × hours ÷ 1000 [kWh]."""
        if self.count is None or self.hours is None:
            return None
        return self.count * self.p("watts_before") * self.hours / 1000.0

    def fraction(self, src):
        """Saving share 1 − W_after ÷ W_before."""
        w0, w1 = self.p("watts_before"), self.p("watts_after")
        f = 1 - w1 / w0
        return f, [f"{w0:g} W → {w1:g} W per luminaire: saving share = 1 − {w1:g}/{w0:g} = {f:.4%}"]


@dataclass
class ChillerReplacement(Measure):
    """Replace or upgrade a chiller: higher COP for the same cooling.

    Inputs: ``cop_before``, ``cop_after`` (seasonal/operating COP) [1]; ``cooling_kwh``
    (annual cooling delivered, for the load) [kWh thermal].

    Working: electricity = cooling ÷ COP; saving share = 1 − COP_before ÷ COP_after.

    References
    ----------
    .. [1] Definition of COP (cooling output ÷ electric input); AHRI 550/590 / CNS 12575 rating conditions.
    """

    cop_before: float | None = None
    cop_after: float | None = None
    cooling_kwh: float | None = None

    kind: ClassVar[str] = "chiller"
    title: ClassVar[str] = "冰水主機汰換 chiller upgrade"
    LIFE: ClassVar = (15.0, "assumption: chiller service life ~15 years")
    ASSUMPTIONS: ClassVar = ("same cooling demand",)
    REFERENCES: ClassVar = ("COP = cooling output ÷ electric input",)

    def own_load(self, src):
        """Chiller energy before: cooling ÷ COP_before [kWh]."""
        return None if self.cooling_kwh is None else self.cooling_kwh / self.p("cop_before")

    def fraction(self, src):
        """Saving share 1 − COP_before ÷ COP_after."""
        c0, c1 = self.p("cop_before"), self.p("cop_after")
        f = 1 - c0 / c1
        return f, [f"COP {c0:g} → {c1:g}: saving share = 1 − {c0:g}/{c1:g} = {f:.4%}"]


# ---------------------------------------------------------------------------------------------
# boilers and heat
# ---------------------------------------------------------------------------------------------
@dataclass
class BoilerTuning(Measure):
    """Boiler combustion tuning (excess-air control, burner maintenance).

    Inputs: ``eff_before``, ``eff_after`` (boiler efficiency from a flue-gas analysis) [1].

    Working: same useful heat; fuel = heat ÷ η; saving share = 1 − η_before ÷ η_after.

    References
    ----------
    .. [1] ASME PTC 4 / EN 12952-15 (boiler efficiency by the losses method).
    """

    eff_before: float | None = None
    eff_after: float | None = None

    kind: ClassVar[str] = "boiler_tuning"
    title: ClassVar[str] = "鍋爐燃燒調整 boiler tuning"
    carrier: ClassVar[str] = "fuel"
    LIFE: ClassVar = (3.0, "assumption: tuning holds ~3 years with maintenance")
    ASSUMPTIONS: ClassVar = ("same steam demand",)
    REFERENCES: ClassVar = ("ASME PTC 4 / EN 12952-15 boiler efficiency",)

    def fraction(self, src):
        """Saving share 1 − η_before ÷ η_after."""
        e0, e1 = self.p("eff_before"), self.p("eff_after")
        f = 1 - e0 / e1
        return f, [f"boiler efficiency {e0:.1%} → {e1:.1%}: saving share = 1 − {e0:g}/{e1:g} = {f:.4%}"]


class _HeatMeasure(Measure):
    """A measure that displaces a fixed amount of boiler heat (absolute)."""

    carrier: ClassVar[str] = "fuel"

    def heat_gj(self) -> tuple[float, list[str]]:
        """Useful heat recovered per year [GJ/yr] and its working."""
        raise NotImplementedError

    def saving(self, load_now, src, ctx):
        """Fuel saved = heat ÷ boiler efficiency, capped by what is left [GJ]."""
        q, lines = self.heat_gj()
        eta = self.p("boiler_efficiency")
        fuel = q / eta
        saved = min(fuel, load_now)
        lines.append(f"fuel saved = {q:,.2f} GJ ÷ boiler efficiency {eta:g} = {fuel:,.2f} GJ/yr" + (f", capped at {load_now:,.2f} GJ left" if saved < fuel else ""))
        return Saving(saved, lines)


@dataclass
class CondensateRecovery(_HeatMeasure):
    """Return steam condensate to the boiler feed instead of cold make-up water.

    Inputs: ``condensate_t_per_h`` [t/h], ``condensate_temp_c``, ``makeup_temp_c`` [°C],
    ``hours`` [h/yr].

    Defaults: boiler_efficiency 0.85 (assumption; use the measured one).

    Working: heat = m × cp × (T_cond − T_makeup) × hours, cp = 4.186 kJ/(kg·K); fuel = heat ÷ η.

    Assumptions: flash steam and water-treatment savings not counted.

    References
    ----------
    .. [1] U.S. DOE, Improving Steam System Performance: a Sourcebook for Industry (2012), "Return Condensate to the Boiler".
    """

    condensate_t_per_h: float | None = None
    condensate_temp_c: float | None = None
    makeup_temp_c: float | None = None
    hours: float | None = None
    boiler_efficiency: float | None = None

    kind: ClassVar[str] = "condensate_recovery"
    title: ClassVar[str] = "冷凝水回收 condensate recovery"
    DEFAULTS: ClassVar = {"boiler_efficiency": (0.85, "1", "assumption; use the measured boiler efficiency")}
    ASSUMPTIONS: ClassVar = ("flash steam and water/chemical savings not counted",)
    REFERENCES: ClassVar = ("U.S. DOE Steam System Sourcebook (2012), 'Return Condensate to the Boiler'",)

    def heat_gj(self):
        """Heat recovered: m × cp × ΔT × hours [GJ/yr]."""
        m, t1, t0, h = self.p("condensate_t_per_h"), self.p("condensate_temp_c"), self.p("makeup_temp_c"), self.p("hours")
        q = m * 1000 * CP_WATER_KJ_PER_KG_K * (t1 - t0) * h / 1e6
        return q, [f"heat = {m:g} t/h × 1000 kg/t × {CP_WATER_KJ_PER_KG_K} kJ/(kg·K) × ({t1:g} − {t0:g}) K × {h:,.0f} h ÷ 10⁶ = {q:,.2f} GJ/yr"]


@dataclass
class HeatRecovery(_HeatMeasure):
    """Heat recovery from a hot liquid stream (e.g. dyeing wastewater) to preheat process water.

    Inputs: ``flow_m3_per_h`` [m³/h], ``hot_temp_c`` (stream in) and ``cold_temp_c``
    (water to be heated) [°C], ``hours`` [h/yr].

    Defaults: effectiveness 0.6 (assumption for a plate/shell exchanger on fouling
    wastewater); boiler_efficiency 0.85 (assumption).

    Working: heat = ρ V cp ε (T_hot − T_cold) × hours (balanced streams); fuel = heat ÷ η.

    References
    ----------
    .. [1] Heat-exchanger effectiveness (ε-NTU) method, e.g. Incropera et al., Fundamentals of Heat and Mass Transfer, ch. 11.
    """

    flow_m3_per_h: float | None = None
    hot_temp_c: float | None = None
    cold_temp_c: float | None = None
    hours: float | None = None
    effectiveness: float | None = None
    boiler_efficiency: float | None = None

    kind: ClassVar[str] = "heat_recovery"
    title: ClassVar[str] = "廢水熱回收 wastewater heat recovery"
    DEFAULTS: ClassVar = {
        "effectiveness": (0.6, "1", "assumption for an exchanger on fouling wastewater"),
        "boiler_efficiency": (0.85, "1", "assumption; use the measured boiler efficiency"),
    }
    LIFE: ClassVar = (10.0, "assumption: exchanger service life ~10 years")
    ASSUMPTIONS: ClassVar = ("balanced flows (equal heat-capacity rates)",)
    REFERENCES: ClassVar = ("ε-NTU method (Incropera et al., ch. 11)",)

    def heat_gj(self):
        """Heat recovered: ρ V cp ε ΔT × hours [GJ/yr]."""
        v, th, tc, h, e = self.p("flow_m3_per_h"), self.p("hot_temp_c"), self.p("cold_temp_c"), self.p("hours"), self.p("effectiveness")
        q = v * RHO_WATER_KG_PER_M3 * CP_WATER_KJ_PER_KG_K * e * (th - tc) * h / 1e6
        return q, [f"heat = {v:g} m³/h × {RHO_WATER_KG_PER_M3:g} kg/m³ × {CP_WATER_KJ_PER_KG_K} kJ/(kg·K) × ε {e:g} × ({th:g} − {tc:g}) K × {h:,.0f} h ÷ 10⁶ = {q:,.2f} GJ/yr"]


@dataclass
class WasteHeatRecovery(_HeatMeasure):
    """Waste-heat recovery (flue gas economiser, dryer or compressor heat) displacing boiler fuel.

    Inputs: ``recovered_kw`` (useful heat recovered, thermal) [kW], ``hours`` [h/yr].

    Defaults: boiler_efficiency 0.85 (assumption).

    Working: heat = kW × hours × 3.6 MJ/kWh; fuel = heat ÷ η.

    References
    ----------
    .. [1] Energy balance; U.S. DOE Steam System Sourcebook (2012), "Use Feedwater Economizers for Waste Heat Recovery".
    """

    recovered_kw: float | None = None
    hours: float | None = None
    boiler_efficiency: float | None = None

    kind: ClassVar[str] = "waste_heat_recovery"
    title: ClassVar[str] = "廢熱回收 waste-heat recovery"
    DEFAULTS: ClassVar = {"boiler_efficiency": (0.85, "1", "assumption; use the measured boiler efficiency")}
    REFERENCES: ClassVar = ("U.S. DOE Steam System Sourcebook (2012), feedwater economizers",)

    def heat_gj(self):
        """Heat recovered: kW × hours × 0.0036 GJ/kWh [GJ/yr]."""
        kw, h = self.p("recovered_kw"), self.p("hours")
        q = kw * h * 0.0036
        return q, [f"heat = {kw:g} kW × {h:,.0f} h × 0.0036 GJ/kWh = {q:,.2f} GJ/yr"]


@dataclass
class FuelSwitch(Measure):
    """Switch a boiler's fuel (e.g. fuel oil → natural gas).

    Inputs: ``target_factor_id`` (library id of the new fuel) ; ``share`` of the source's
    remaining fuel energy switched [1]; ``eff_before``, ``eff_after`` (boiler efficiency on
    the old and new fuel) [1]; ``target_price_ntd`` per ``target_price_unit`` (e.g. NT$ per m3)
    and ``target_heat_value`` / ``target_heat_value_unit`` (default: the library's heat value).

    Defaults: target_factor_id moenv-2024/natural-gas-stationary; share 1; efficiencies
    equal (no change) unless given.

    Working: old fuel removed E0 = share × left; new fuel E1 = E0 × η_before ÷ η_after;
    avoided = E0 × (source's t CO2e/GJ) − E1 × (new fuel's t CO2e/GJ), the new fuel's factor
    computed by the inventory engine with the inventory's GWP set.

    References
    ----------
    .. [1] 環境部 溫室氣體排放係數 (2024-02-05 公告) via the factor library; 2006 IPCC Guidelines Vol. 2 Ch. 2 Eq. 2.1.
    """

    target_factor_id: str | None = None
    share: float | None = None
    eff_before: float | None = None
    eff_after: float | None = None
    target_price_ntd: float | None = None
    target_price_unit: str | None = None
    target_heat_value: float | None = None
    target_heat_value_unit: str | None = None

    kind: ClassVar[str] = "fuel_switch"
    title: ClassVar[str] = "燃料轉換 fuel switch"
    carrier: ClassVar[str] = "fuel"
    DEFAULTS: ClassVar = {"share": (1.0, "1", "the whole remaining fuel of the source")}
    LIFE: ClassVar = (15.0, "assumption: burner/boiler conversion ~15 years")
    ASSUMPTIONS: ClassVar = ("same useful heat",)
    REFERENCES: ClassVar = ("factor library (MOENV 2024 announcement); 2006 IPCC GL Vol. 2 Ch. 2 Eq. 2.1",)

    def saving(self, load_now, src, ctx):
        """Old fuel removed, new fuel added with its own factor and price."""
        from carbon.diagnosis.baseline import fuel_factor_per_gj

        fid = self.target_factor_id or "moenv-2024/natural-gas-stationary"
        if self.target_factor_id is None:
            self._used["target_factor_id"] = f"{fid} — default: natural gas"
        share = self.p("share")
        e0b = self.eff_before if self.eff_before is not None else 1.0
        e1b = self.eff_after if self.eff_after is not None else e0b
        removed = share * load_now
        added = removed * e0b / e1b
        per_gj, rows = fuel_factor_per_gj(fid, ctx.baseline.gwp_set, ctx.baseline.registry)
        add_t = added * per_gj
        lines = [
            f"old fuel removed = {share:g} × {load_now:,.2f} GJ left = {removed:,.2f} GJ/yr",
            f"new fuel = {removed:,.2f} GJ × η_before {e0b:g} ÷ η_after {e1b:g} = {added:,.2f} GJ/yr",
            f"new fuel factor {fid} with GWP set {ctx.baseline.gwp_set}: {per_gj * 1000:,.4f} kg CO2e/GJ "
            + "(" + "; ".join(f"{r['gas']} {r['factor_value']:g} {r['factor_unit']} ({r['factor_dataset']} {r['factor_edition']}) × GWP {r['gwp']:g}" for r in rows) + ")",
            f"new fuel emissions = {added:,.2f} GJ × {per_gj:.6f} t/GJ = {add_t:,.4f} t CO2e/yr",
        ]
        cost = 0.0
        if self.target_price_ntd is not None:
            unit = self.target_price_unit or "GJ"
            hv, hvu = self.target_heat_value, self.target_heat_value_unit
            if hv is None and unit != "GJ" and ctx.baseline.registry is not None:
                d = ctx.baseline.registry.default_heat_value(fid)
                if d is not None:
                    hv, hvu = d[0], d[1]
                    self._used["target_heat_value"] = f"{hv:g} {hvu} — default: {d[2]}"
            from carbon.units import Q_, multiplier, parse_unit

            gj_per_unit = multiplier(unit, "GJ") if hv is None else float((Q_(1.0, parse_unit(unit)) * Q_(hv, parse_unit(hvu))).to("GJ").magnitude)
            cost = added / gj_per_unit * self.target_price_ntd
            lines.append(f"new fuel cost = {added:,.2f} GJ ÷ {gj_per_unit:.6g} GJ/{unit} × NT${self.target_price_ntd:g}/{unit} = NT${cost:,.0f}/yr")
        return Saving(removed, lines, added_co2e_t=add_t, added_cost_ntd=cost, added=[{"factor_id": fid, "energy_gj": added, "co2e_t": add_t, "factors": rows}])


# ---------------------------------------------------------------------------------------------
# electricity supply
# ---------------------------------------------------------------------------------------------
@dataclass
class RooftopPV(Measure):
    """Rooftop photovoltaics for own use: grid purchases fall by the self-consumed yield.

    Inputs: ``kwp`` (DC capacity) [kWp]; ``yield_kwh_per_kwp`` [kWh/(kWp·yr)];
    ``self_consumption_share`` [1].

    Defaults: yield 1,100 kWh/(kWp·yr) (assumption: a capacity factor of about 12.5 %, the order
    of Taiwan's average; replace with the installer's estimate for the site); self-consumption 1.

    Working: grid kWh saved = kWp × yield × self-consumption, capped by the grid kWh left.

    References
    ----------
    .. [1] IEC 61724-1:2021 (PV performance: final yield Y_f = E ÷ P0).
    """

    kwp: float | None = None
    yield_kwh_per_kwp: float | None = None
    self_consumption_share: float | None = None

    kind: ClassVar[str] = "rooftop_pv"
    title: ClassVar[str] = "屋頂型太陽光電 rooftop PV"
    DEFAULTS: ClassVar = {
        "yield_kwh_per_kwp": (1100.0, "kWh/(kWp·yr)", "assumption ≈ 12.5 % capacity factor, order of Taiwan's average; use the site estimate"),
        "self_consumption_share": (1.0, "1", "all generation used on site"),
    }
    LIFE: ClassVar = (20.0, "assumption: 20 years (module warranties; Taiwan FIT contract length)")
    REFERENCES: ClassVar = ("IEC 61724-1:2021 final yield",)

    def saving(self, load_now, src, ctx):
        """Electricity saved: kWp × yield × self-consumption, capped [kWh]."""
        k, y, s = self.p("kwp"), self.p("yield_kwh_per_kwp"), self.p("self_consumption_share")
        gen = k * y * s
        saved = min(gen, load_now)
        return Saving(saved, [f"grid kWh saved = {k:g} kWp × {y:g} kWh/kWp × {s:g} = {gen:,.0f} kWh/yr" + (f", capped at {load_now:,.0f} kWh left" if saved < gen else "")])


@dataclass
class GreenElectricity(Measure):
    """Buy renewable electricity with certificates (T-REC; 電證合一 bundled green power).

    Inputs: ``kwh`` [kWh/yr]; ``premium_ntd_per_kwh`` (price above the grid tariff) [TWD/kWh];
    ``instrument``: ``"bundled"`` (電證合一: the inventory counts these kWh as 0, as
    ``certificate_kwh`` does) or ``"unbundled"`` (T-REC alone: market-based scope 2 only; the
    location-based inventory and the carbon fee are unchanged).

    Working: avoided = kWh × the source's grid factor; no energy saved; Δopex = kWh × premium.

    References
    ----------
    .. [1] GHG Protocol Scope 2 Guidance (2015), market-based method, quality criteria.
    .. [2] 再生能源憑證 (T-REC), 經濟部標準檢驗局 國家再生能源憑證中心.
    """

    kwh: float | None = None
    premium_ntd_per_kwh: float | None = None
    instrument: str | None = None

    kind: ClassVar[str] = "green_electricity"
    title: ClassVar[str] = "綠電/再生能源憑證 green electricity"
    DEFAULTS: ClassVar = {"instrument": ("bundled", "", "電證合一 (counted 0 in the inventory, as certificate_kwh)")}
    LIFE: ClassVar = (1.0, "a yearly purchase (no capex)")
    REFERENCES: ClassVar = ("GHG Protocol Scope 2 Guidance (2015)", "T-REC 國家再生能源憑證中心")

    def saving(self, load_now, src, ctx):
        """Grid kWh replaced, capped; premium as Δopex."""
        k, prem = self.p("kwh"), self.p("premium_ntd_per_kwh")
        inst = self.instrument or "bundled"
        if self.instrument is None:
            self._used["instrument"] = self.DEFAULTS["instrument"][2]
        if inst not in ("bundled", "unbundled"):
            raise InputError([Problem(f"measure {self.id}: instrument {inst!r} is not bundled or unbundled.", column="instrument")])
        saved = min(k, load_now)
        lines = [f"grid kWh replaced = {saved:,.0f} kWh/yr ({inst}: {'counted 0 in the inventory and the fee' if inst == 'bundled' else 'market-based scope 2 only'})",
                 f"premium = {saved:,.0f} kWh × NT${prem:g}/kWh = NT${saved * prem:,.0f}/yr (Δopex)"]  # fmt: skip
        return Saving(saved, lines, energy_cost_saving=False, market_only=inst == "unbundled", extra_opex_ntd=saved * prem)


@dataclass
class CustomMeasure(Measure):
    """A measure the consultant calculates elsewhere: a share or an amount of the source's energy.

    Inputs: either ``saving_share`` [1] of the system's energy, or ``saved_energy``
    [kWh or GJ/yr, the source's energy unit]; ``method`` (how it was calculated, shown in explain).

    Working: saved = share × energy left on the system, or the amount given capped by what is left.

    References
    ----------
    .. [1] As stated in ``method`` by the user.
    """

    saving_share: float | None = None
    saved_energy: float | None = None
    method: str | None = None

    kind: ClassVar[str] = "custom"
    title: ClassVar[str] = "自訂措施 custom measure"

    def fraction(self, src):
        """The saving share given."""
        how = f" ({self.method})" if self.method else ""
        return self.saving_share, [f"saving share given{how}: {self.saving_share:.4%}"]

    def saving(self, load_now, src, ctx):
        """The share or the amount given, capped by what is left."""
        if self.saving_share is not None:
            return super().saving(load_now, src, ctx)
        how = f" ({self.method})" if self.method else ""
        e = self.p("saved_energy")
        saved = min(e, load_now)
        return Saving(saved, [f"saved energy given{how}: {e:,.2f} {src.energy_unit}/yr" + (f", capped at {load_now:,.2f} left" if saved < e else "")])


MEASURES: dict[str, type[Measure]] = {
    c.kind: c
    for c in (
        AirLeakRepair, AirPressureReduction, CompressorVSD, CompressorSequencing, PumpFanVSD, EfficientMotor, LEDLighting,
        ChillerReplacement, BoilerTuning, CondensateRecovery, HeatRecovery, WasteHeatRecovery, FuelSwitch, RooftopPV,
        GreenElectricity, CustomMeasure,
    )
}  # fmt: skip


def make_measure(spec: dict, *, where: dict | None = None) -> Measure:
    """Build a measure from a mapping ``{type, id, source_id, …inputs}``.

    Raises
    ------
    InputError
        Unknown type or unknown input names (with the accepted names).
    """
    where = where or {}
    spec = {k: v for k, v in spec.items() if v is not None and not (isinstance(v, float) and math.isnan(v)) and v != ""}
    kind = str(spec.pop("type", "")).strip()
    if kind not in MEASURES:
        raise InputError([Problem(f"unknown measure type {kind!r}.", column="type", hint=f"Use one of: {', '.join(MEASURES)}.", **where)])
    cls = MEASURES[kind]
    names = {f.name for f in fields(cls)}
    bad = sorted(set(spec) - names)
    if bad:
        raise InputError([Problem(f"measure type {kind} has no input(s) {bad}.", column=bad[0], hint=f"Inputs of {kind}: {', '.join(sorted(names))}.", **where)])
    for need in ("id", "source_id"):
        if need not in spec:
            raise InputError([Problem(f"a {kind} measure needs '{need}'.", column=need, **where)])
    spec["id"], spec["source_id"] = str(spec["id"]), str(spec["source_id"])
    return cls(**spec)


def _check_carrier(m: Measure, src) -> None:
    if m.carrier == "electricity" and src.kind != "electricity":
        msg = f"measure {m.id} ({m.kind}) saves electricity but source {src.source_id} ({src.name}) is {src.kind} (category {src.iso_subcategory})."
        raise InputError([Problem(msg, column="source_id", hint="Point it at the purchased-electricity source (category 2.1).")])
    if m.carrier == "fuel" and (src.kind != "fuel" or src.energy is None):
        what = "has no heat value (its energy is unknown)" if src.kind == "fuel" else f"is {src.kind}"
        msg = f"measure {m.id} ({m.kind}) saves fuel but source {src.source_id} ({src.name}) {what}."
        raise InputError([Problem(msg, column="source_id", hint="Point it at a fuel source with a heat value (heat_value, heat_value_unit in the inventory).")])


def evaluate(m: Measure, src, load_before: float, ctx: Context) -> MeasureResult:
    """Evaluate one measure on what is left of its system (``load_before``).

    Parameters
    ----------
    m : Measure
    src : carbon.diagnosis.baseline.SourceEnergy
        The source it acts on (its own factor rows give t CO2e per kWh or GJ).
    load_before : float
        Energy left on the measure's system before it. [kWh or GJ/yr]
    ctx : Context
        Baseline, tariffs and discount rate.

    Returns
    -------
    MeasureResult
        Energy saved, t CO2e avoided, NT$ saved, payback and abatement cost, with the working.

    References
    ----------
    .. [1] Capital recovery factor: e.g. IEA/NEA Projected Costs of Generating Electricity (levelised-cost method).
    .. [2] McKinsey & Company, Pathways to a Low-Carbon Economy (2009): marginal abatement cost curve.
    """
    _check_carrier(m, src)
    m._used = {}
    s = m.saving(load_before, src, ctx)
    if not s.saved >= 0:
        msg = f"measure {m.id} ({m.kind}): the computed saving {s.saved:,.4g} {src.energy_unit}/yr is negative; check the inputs (temperatures, efficiencies, amounts)."
        raise InputError([Problem(msg, column="id")])
    eu = src.energy_unit
    gross = s.saved * src.co2e_per_energy
    net = gross - s.added_co2e_t
    avoided, avoided_market = (0.0, net) if s.market_only else (net, net)
    lines = [f"{m.id} {m.title}" + (f" — {m.name}" if m.name else ""), f"  acts on {src.source_id} {src.name} (category {src.iso_subcategory}), system {m.system or '(own)'}"]
    lines += [f"  input  {t}" for t in m.inputs_text()]
    lines += [f"  default {k}: {v}" for k, v in m._used.items()]
    lines += [f"  assume {a}" for a in m.ASSUMPTIONS]
    lines.append(f"  energy on the system before this measure: {load_before:,.2f} {eu}/yr")
    lines += [f"  {x}" for x in s.lines]
    lines.append(
        f"  avoided = {s.saved:,.2f} {eu} × {src.co2e_per_energy * 1000:,.6g} kg CO2e/{eu} (source {src.source_id}: {src.factor_text()}; GWP set {ctx.baseline.gwp_set})"
        f" = {gross:,.4f} t CO2e/yr" + (f" − {s.added_co2e_t:,.4f} t new fuel = {net:,.4f} t CO2e/yr" if s.added_co2e_t else "")
    )
    price = ctx.prices.get(src.source_id)
    if not s.energy_cost_saving:
        cost_saving = -s.added_cost_ntd if s.added_cost_ntd else 0.0
    elif price is None:
        cost_saving = None
        lines.append(f"  no tariff for {src.source_id}: NT$ saved, payback and abatement cost not computed (add it under prices)")
    else:
        cost_saving = s.saved * price[0] - s.added_cost_ntd
        lines.append(f"  NT$ saved = {s.saved:,.2f} {eu} × NT${price[0]:,.6g}/{eu} ({price[1]})" + (f" − new fuel NT${s.added_cost_ntd:,.0f}" if s.added_cost_ntd else "") + f" = NT${cost_saving:,.0f}/yr")
    life = m.life_years
    if life is None:
        life = m.LIFE[0]
        m._used["life_years"] = f"{life:g} yr — default: {m.LIFE[1]}"
        lines.append(f"  default life_years: {m._used['life_years']}")
    r = ctx.discount_rate
    ann = m.capex_ntd * crf(r, life)
    opex = m.opex_change_ntd + s.extra_opex_ntd
    lines.append(f"  capex NT${m.capex_ntd:,.0f}; annualised = capex × CRF({r:g}, {life:g} yr) = NT${ann:,.0f}/yr; Δopex NT${opex:,.0f}/yr")
    payback = abatement = None
    if cost_saving is not None:
        benefit = cost_saving - opex
        payback = (m.capex_ntd / benefit if benefit > 0 else None) if m.capex_ntd > 0 else (0.0 if benefit >= 0 else None)
        lines.append("  simple payback = " + (f"NT${m.capex_ntd:,.0f} ÷ NT${benefit:,.0f}/yr = {payback:.2f} yr" if payback is not None else "none (no net saving)"))
        basis = avoided_market if s.market_only else avoided
        if basis > 0:
            abatement = (ann + opex - cost_saving) / basis
            lines.append(f"  abatement cost = (NT${ann:,.0f} + NT${opex:,.0f} − NT${cost_saving:,.0f}) ÷ {basis:,.4f} t = NT${abatement:,.0f}/t CO2e")
    lines += [f"  ref    {x}" for x in m.REFERENCES]
    per_unit = src.energy / src.activity_amount if src.activity_amount else float("nan")
    return MeasureResult(
        id=m.id, kind=m.kind, title=m.title, name=m.name, source_id=src.source_id, system=m.system, energy_unit=eu,
        load_before=load_before, saved_energy=s.saved, saved_activity=s.saved / per_unit, activity_unit=src.activity_unit,
        saved_kwh=s.saved if eu == "kWh" else 0.0, saved_fuel_gj=s.saved if eu == "GJ" else 0.0,
        avoided_t=avoided, avoided_market_t=avoided_market, added_co2e_t=s.added_co2e_t, cost_saving_ntd=cost_saving,
        opex_change_ntd=opex, capex_ntd=float(m.capex_ntd), life_years=float(life), discount_rate=r, annualised_capex_ntd=ann,
        simple_payback_years=payback, abatement_cost_ntd_per_t=abatement, year=m.year, defaults_used=dict(m._used),
        assumptions=tuple(m.ASSUMPTIONS), references=tuple(m.REFERENCES), lines=tuple(lines),
    )  # fmt: skip
