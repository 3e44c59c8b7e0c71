"""Smart-manufacturing stage self-assessment (智慧化改善建議報告).

Five stages, each scored from yes/no questions: 電腦化 (equipment automation), 連結化 (equipment
networking), 可視化 (production war room), 預測化 (AI prediction), 適性化 (AI decision support).
A stage is reached when its share of "yes" reaches the threshold and every earlier stage is
reached too; the recommendation is the next stage with the programme's course topics.

Source: the programme's smart-manufacturing stages and course topics as summarised in project
issue #12 (the 智慧化 diagnosis of the 低碳化、智慧化升級轉型 programme; official text not in the
project's reference files). The questions are this module's own operationalisation of the stages.

Examples
--------
>>> r = assess({"cnc_or_plc": True, "digital_records": True, "automated_key_steps": True,
...             "machines_networked": True, "data_collected_automatically": False, "mes_or_erp_link": True})
>>> (r["stage"], r["stage_name"], r["next_stage_name"])
(2, '連結化', '可視化')
"""

from __future__ import annotations

from carbon.errors import InputError, Problem

__all__ = ["QUESTIONS", "STAGES", "assess"]

#: Stage number -> (name, English, what it means, course topics that lead to it).
STAGES: dict[int, tuple[str, str, str, tuple[str, ...]]] = {
    1: ("電腦化", "computerisation", "equipment automation", ("設備自動化 equipment automation", "數位紀錄 digital records")),
    2: ("連結化", "connectivity", "equipment networking", ("物聯網控制 IoT control", "設備聯網與資料擷取 machine networking and data acquisition")),
    3: ("可視化", "visibility", "production war room", ("數據可視化 data visualisation", "生產戰情室 production war room")),
    4: ("預測化", "prediction", "AI prediction", ("數據驅動決策模擬 data-driven decision simulation", "預測性維護 predictive maintenance")),
    5: ("適性化", "adaptation", "AI decision support", ("人工智慧 AI", "AI 輔助決策 AI decision support")),
}

#: Questions: key -> (stage, question).
QUESTIONS: dict[str, tuple[int, str]] = {
    "cnc_or_plc": (1, "主要生產設備具自動化控制 (CNC/PLC)? Are the main machines automated (CNC/PLC)?"),
    "digital_records": (1, "生產與能源數據以電腦紀錄? Are production and energy data kept on computers?"),
    "automated_key_steps": (1, "關鍵製程步驟已自動化? Are the key process steps automated?"),
    "machines_networked": (2, "設備已聯網? Are the machines networked?"),
    "data_collected_automatically": (2, "設備數據自動擷取 (IoT)? Are machine data collected automatically (IoT)?"),
    "mes_or_erp_link": (2, "設備數據與 MES/ERP 連結? Are machine data linked to MES/ERP?"),
    "dashboard": (3, "有即時生產/能源看板? Is there a real-time production/energy dashboard?"),
    "war_room": (3, "有生產戰情室? Is there a production war room?"),
    "kpi_tracked": (3, "以數據追蹤 KPI (OEE、單位能耗)? Are KPIs (OEE, energy per unit) tracked from the data?"),
    "predictive_models": (4, "有預測模型 (品質、需求)? Are there prediction models (quality, demand)?"),
    "predictive_maintenance": (4, "有預測性維護? Is there predictive maintenance?"),
    "simulation": (4, "以數據模擬決策? Are decisions simulated with the data?"),
    "ai_decision_support": (5, "AI 提供決策建議? Does AI recommend decisions?"),
    "closed_loop_optimisation": (5, "AI 自動調整製程參數? Does AI adjust process parameters (closed loop)?"),
    "adaptive_scheduling": (5, "AI 自適應排程? Is scheduling adaptive (AI)?"),
}


def assess(answers: dict, *, threshold: float = 2 / 3) -> dict:
    """Score the questionnaire and name the stage reached and the next one.

    Parameters
    ----------
    answers : dict
        ``{question key: bool}``; keys from :data:`QUESTIONS`, unanswered = no.
    threshold : float, default 2/3
        Share of "yes" a stage needs. [1]

    Returns
    -------
    dict
        ``stage`` (0–5), ``stage_name``, ``scores`` per stage [1], ``next_stage``,
        ``next_stage_name``, ``recommended_courses`` (topics of the next stage), ``gaps``
        (questions of the next stage answered no).

    Raises
    ------
    InputError
        Unknown question keys.
    """
    bad = sorted(set(answers) - set(QUESTIONS))
    if bad:
        raise InputError([Problem(f"unknown questionnaire keys {bad}.", column="smart", hint=f"Use: {', '.join(QUESTIONS)}.")])
    yes = {k: bool(answers.get(k, False)) for k in QUESTIONS}
    scores = {}
    for st in STAGES:
        qs = [k for k, (s, _) in QUESTIONS.items() if s == st]
        scores[st] = sum(yes[k] for k in qs) / len(qs)
    stage = 0
    for st in sorted(STAGES):
        if scores[st] + 1e-12 >= threshold:
            stage = st
        else:
            break
    nxt = stage + 1 if stage < 5 else None
    return {
        "stage": stage,
        "stage_name": STAGES[stage][0] if stage else "未達電腦化",
        "scores": {f"{st} {STAGES[st][0]}": v for st, v in scores.items()},
        "threshold": threshold,
        "next_stage": nxt,
        "next_stage_name": STAGES[nxt][0] if nxt else None,
        "next_stage_meaning": STAGES[nxt][2] if nxt else None,
        "recommended_courses": list(STAGES[nxt][3]) if nxt else [],
        "gaps": [QUESTIONS[k][1] for k, (s, _) in QUESTIONS.items() if nxt and s == nxt and not yes[k]],
        "source": "programme smart-manufacturing stages and course topics (project issue #12); questions: carbon's own",
    }
