"""The Weight record's browser figures in RESULTS.md: layout shift and the loader's main thread."""

from __future__ import annotations

BARE_WORK = {"popup": "asks for the settings, reads its `localStorage` timestamp and inserts "
                      "the frame",
             "inline": "inserts the frame"}


def browser_rows(r: dict) -> list[str]:
    b = r["widget"].get("browser")
    if not b:
        return []
    popup, checks = b["popup"], r["checks"]
    return [
        f"| layout shift the popup causes on a shop page (Chromium, {b['slowdown']}× CPU "
        f"slowdown, worst of {b['runs']}) | 0 | {popup['layout_shift']:.3f} "
        f"| **{checks['popup_layout_shift']}** | — |",
        f"| loader's main-thread JavaScript before its iframe exists, promise reactions "
        f"included (popup, {b['slowdown']}× slowdown, median) | <= 5 ms "
        f"| {popup['loader_js_ms']:.1f} ms | **{checks['loader_main_thread_ms']}** | — |",
        *([f"| the least any {mode} loader does before its iframe exists: a bare script that "
           f"{BARE_WORK[mode]} ({b['slowdown']}× slowdown, median, pages interleaved with the "
           f"loader's) | — | {b[mode]['bare']['loader_js_ms']:.1f} ms | — | — |\n"
           f"| loader ÷ that bare script ({mode}) | — | {b[mode]['ratio_to_bare']:.2f} "
           f"| — | — |" for mode in ("popup", "inline") if "bare" in b.get(mode, {})]),
        *([f"| {b['slowdown']} × the loader's thread CPU time before its iframe exists, "
           f"unthrottled (popup, median; other processes' time not in it) | — "
           f"| {b['popup_unthrottled']['loader_cpu_ms_times_slowdown']:.1f} ms | — | — |"]
          if "popup_unthrottled" in b else []),
    ]


def browser_section(r: dict) -> list[str]:
    b = r["widget"].get("browser")
    if not b:
        return []
    lines = [
        f"In Chromium {b['browser']} with a {b['slowdown']}× CPU slowdown "
        f"(CDP `Emulation.setCPUThrottlingRate`), {b['runs']} fresh pages per mode: a shop page "
        f"at {b['host']} (served by Playwright, an origin the site allows) with text above and "
        f"below the snippet and, in its head, an inert tag-manager snippet as shop pages run "
        f"before an async loader arrives (the page without it is the last row: there the "
        f"loader pays for Blink's first setup of the page's JavaScript and DOM prototypes). "
        f"Layout shift: the sum of `layout-shift` entries (PerformanceObserver, buffered) once "
        f"the widget has settled, worst run. Main thread, from a trace (`devtools.timeline`, "
        f"`v8.execute`, `loading`) of the page's main thread, from the loader's "
        f"`EvaluateScript` until Blink creates the iframe's frame (`FrameLoader:created`, "
        f"inside the loader's `appendChild`), events cut off there: the loader's JavaScript is "
        f"its script and the callbacks Blink calls (`EvaluateScript` and `FunctionCall` of "
        f"/embed.js: evaluation, the delay's timer, `fetch`) plus its promise reactions "
        f"(`RunMicrotasks`); all "
        f"tasks is every main-thread task in that time (the page's parsing and painting "
        f"included). The bench server is on loopback, so Chromium's local-network checks are "
        f"turned off. The throttle also stretches the time other processes hold the CPU (its "
        f"signal handler spins three times the wall time since the thread last ran), so "
        f"figures grow with the machine's load: 1-minute load average "
        f"{b.get('load_before', float('nan')):.1f} before, "
        f"{b.get('load_after', float('nan')):.1f} after, on 2 cores. Beside each popup and "
        f"inline page, a page whose /embed.js is a bare script (`browser_cost.BARE`, served "
        f"by the browser context) that does only what any such loader must before its frame "
        f"exists, measured the same way: the floor this machine puts under the figure.", "",
        "| page | layout shift (worst) | loader JS, median (worst) | of it: script and "
        "callbacks | of it: promise reactions | all main-thread tasks, median | script start "
        "→ frame created, median |", "|---|---|---|---|---|---|---|",
    ]
    names = {"popup": "popup", "inline": "inline",
             "popup_plain": "popup, page without its own script"}
    for mode, name in names.items():
        m = b.get(mode)
        if not m:
            continue
        bare = m.get("bare")
        if bare:
            lines.append(f"| {name}: bare script | — | {bare['loader_js_ms']:.1f} ms (—) | — "
                         f"| — | — | — |")
        lines.append(f"| {name} | {m['layout_shift']:.3f} | {m['loader_js_ms']:.1f} ms "
                     f"({m['loader_js_ms_worst']:.1f} ms) "
                     f"| {m.get('loader_script_ms', float('nan')):.1f} ms "
                     f"| {m.get('loader_reactions_ms', float('nan')):.1f} ms "
                     f"| {m['main_thread_ms']:.1f} ms | {m['to_frame_ms']:.1f} ms |")
    calm = b.get("popup_unthrottled")
    if calm:
        lines += ["", f"Without the throttle ({b['runs']} more popup pages): the loader's "
                  f"JavaScript took {calm['loader_js_ms']:.1f} ms (median, wall time); its "
                  f"thread CPU time × {b['slowdown']} is "
                  f"{calm['loader_cpu_ms_times_slowdown']:.1f} ms, the same work on a "
                  f"{b['slowdown']}× slower CPU without other processes' time, and without "
                  f"the time it waits for the browser process (`localStorage`)."]
    return lines + [""]
