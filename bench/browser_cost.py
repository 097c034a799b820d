"""What the widget costs a shop's page in Chromium on a slow phone (4x CPU slowdown): the layout
shift the popup causes, and the loader's main-thread time before its iframe exists."""

from __future__ import annotations

import json
import statistics

from playwright.sync_api import sync_playwright

HOST = "https://shop.example.nl"  # an origin the bench site allows; Playwright serves the page
SLOWDOWN = 4
RUNS = 7
SHIFT_LIMIT = 0.0
LOADER_MS_LIMIT = 5.0
# The shop's page is public and the bench server is on loopback: Chromium's local-network
# checks would refuse the loader, as they would not for a server on the internet.
FLAGS = ["--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults,"
         "BlockInsecurePrivateNetworkRequests"]
# The loader's own JavaScript as the trace names it: its script, and its callbacks (the
# DOMContentLoaded listener, the delay's timer). The promise reactions of its settings fetch
# run inside tasks with no script name; they count only in the wider figure, all main-thread
# tasks until the frame is requested.
JS_EVENTS = {"EvaluateScript", "FunctionCall"}
TASKS = {"RunTask", "ThreadControllerImpl::RunTask"}

SHIFTS = """() => new Promise(done => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 1000);
})"""


def host_html(base: str, survey: str, mode: str) -> str:
    """A plain shop page: text above and below the snippet, as a thank-you page has."""
    paragraphs = "".join(f"<p>Regel {n} van de bevestiging van uw bestelling.</p>"
                         for n in range(12))
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Webwinkel'
            f'</title></head><body><h1>Bedankt voor uw bestelling</h1>{paragraphs}'
            f'<script src="{base}/embed.js" data-survey="{survey}" data-mode="{mode}" '
            f'async></script>{paragraphs}</body></html>')


def merged_ms(events: list[dict]) -> float:
    """Milliseconds covered by the events, nested or overlapping ones counted once."""
    total, end = 0.0, None
    for event in sorted(events, key=lambda e: e["ts"]):
        start, stop = event["ts"], event["ts"] + event.get("dur", 0)
        if end is None or start >= end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total / 1000


def loader_ms(trace: list[dict], base: str) -> dict:
    """Main-thread milliseconds from the loader's first script event until the widget's frame
    is requested (the iframe exists): its own JavaScript, and every task in that time."""
    def url(event: dict) -> str:
        data = event.get("args", {}).get("data", {})
        return data.get("url", "") if isinstance(data, dict) else ""

    loader = f"{base}/embed.js"
    starts = [e for e in trace if e.get("name") == "EvaluateScript" and url(e) == loader]
    if not starts:
        raise SystemExit("the trace has no evaluation of /embed.js")
    first = starts[0]
    frame = [e["ts"] for e in trace if e.get("name") == "ResourceSendRequest"
             and url(e).startswith(f"{base}/w/") and "/settings" not in url(e)]
    frame_at = min(frame) if frame else float("inf")
    window = [e for e in trace if e.get("ph") == "X" and e.get("pid") == first["pid"]
              and e.get("tid") == first["tid"] and first["ts"] <= e["ts"] < frame_at]
    return {"loader_js_ms": merged_ms([e for e in window if e["name"] in JS_EVENTS
                                       and url(e) == loader]),
            "main_thread_ms": merged_ms([e for e in window if e["name"] in TASKS
                                         or e["name"] == "EvaluateScript"]),
            "to_frame_ms": (frame_at - first["ts"]) / 1000}


def one_run(browser, base: str, survey: str, mode: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.route(f"{HOST}/**", lambda route: route.fulfill(
        content_type="text/html", body=host_html(base, survey, mode)))
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOWDOWN})
    chunks: list[str] = []  # trace events as JSON text, parsed once the trace is complete
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda event: chunks.extend(
        json.dumps(e) for e in event["value"]))
    cdp.on("Tracing.tracingComplete", lambda _event: done.append(True))
    cdp.send("Tracing.start", {"categories": "devtools.timeline,v8,"
                                             "disabled-by-default-devtools.timeline",
                               "transferMode": "ReportEvents"})
    # No Playwright script runs in the page until the frame is there and has settled: its
    # polling would count as main-thread time.
    with page.expect_request(lambda request: f"{base}/w/" in request.url
                             and "/settings" not in request.url):
        page.goto(f"{HOST}/bedankt.html")
    page.wait_for_timeout(2500)
    shift = page.evaluate(SHIFTS)
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(50)
    context.close()
    return {"layout_shift": shift, **loader_ms([json.loads(c) for c in chunks], base)}


def measure_in_browser(base: str, survey: str, executable: str | None = None) -> dict:
    """Median of RUNS fresh pages per mode; the popup's shift must be 0, the loader <= 5 ms."""
    result: dict = {"slowdown": SLOWDOWN, "runs": RUNS, "host": HOST}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        result["browser"] = browser.version
        for mode in ("popup", "inline"):
            runs = [one_run(browser, base, survey, mode) for _ in range(RUNS)]
            result[mode] = {
                "runs": runs,
                "layout_shift": max(r["layout_shift"] for r in runs),
                **{key: statistics.median(r[key] for r in runs)
                   for key in ("loader_js_ms", "main_thread_ms", "to_frame_ms")},
                "loader_js_ms_worst": max(r["loader_js_ms"] for r in runs),
            }
        browser.close()
    return result
