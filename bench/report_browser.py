"""The Weight record's browser figures in RESULTS.md: layout shift and the loader's main thread."""

from __future__ import annotations


def browser_rows(r: dict) -> list[str]:
    b = r["widget"].get("browser")
    if not b:
        return []
    popup, checks = b["popup"], r["checks"]
    return [
        f"| layout shift the popup causes on a shop page (Chromium, {b['slowdown']}× CPU "
        f"slowdown, worst of {b['runs']}) | 0 | {popup['layout_shift']:.3f} "
        f"| **{checks['popup_layout_shift']}** | — |",
        f"| loader's main-thread JavaScript before its iframe exists (popup, "
        f"{b['slowdown']}× slowdown, median) | <= 5 ms | {popup['loader_js_ms']:.1f} ms "
        f"| **{checks['loader_main_thread_ms']}** | — |",
    ]


def browser_section(r: dict) -> list[str]:
    b = r["widget"].get("browser")
    if not b:
        return []
    lines = [
        f"In Chromium {b['browser']} with a {b['slowdown']}× CPU slowdown "
        f"(CDP `Emulation.setCPUThrottlingRate`), {b['runs']} fresh pages per mode: a shop page "
        f"at {b['host']} (served by Playwright, an origin the site allows) with text above and "
        f"below the snippet. Layout shift: the sum of `layout-shift` entries "
        f"(PerformanceObserver, buffered) once the widget has settled, worst run. Main "
        f"thread, from a trace (`devtools.timeline`) of the page's main thread, from the "
        f"loader's `EvaluateScript` until the widget's frame is requested: the loader's own "
        f"JavaScript (`EvaluateScript` and `FunctionCall` of /embed.js; the promise reactions "
        f"of its settings fetch carry no script name and are not in it), and every "
        f"main-thread task in that time (the page's own parsing and painting included). The "
        f"bench server is on loopback, so Chromium's local-network checks are turned off.", "",
        "| mode | layout shift (worst) | loader JS, median (worst) | all main-thread tasks, "
        "median | script start → frame requested, median |", "|---|---|---|---|---|",
    ]
    for mode in ("popup", "inline"):
        m = b[mode]
        lines.append(f"| {mode} | {m['layout_shift']:.3f} | {m['loader_js_ms']:.1f} ms "
                     f"({m['loader_js_ms_worst']:.1f} ms) | {m['main_thread_ms']:.1f} ms "
                     f"| {m['to_frame_ms']:.1f} ms |")
    return lines + [""]
