"""`python -m bench field`: the field app on an emulated 3G link (issue 17, F1-F3).

gunicorn under production settings (DEBUG=False, hashed and compressed static files) on a small
database of its own, Debian's Chromium through Playwright, and Chromium's network emulation
(CDP Network.emulateNetworkConditions: 1.6 Mb/s down, 750 kb/s up, 150 ms RTT). No CPU
throttling: a cheap phone decodes and shrinks photos more slowly than this machine.

F1  bytes sent (request bodies, counted by the server) for a case with three 4000x3000 phone
    photos, divided by the photos' own size. Target <= 0.1.
F2  the intake form interactive (outbox.js ready: its performance mark) on 3G: first visit
    (empty cache), repeat visit (the service worker's copy), and offline. <= 3 s; <= 1 s; works.
F3  a case with three photos filed on 3G, from the tap on "Kirim kasus" until the server has
    stored the case and its three photos. <= 10 s.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import db
from bench.server import Gunicorn, collectstatic, session_for

RESULTS = Path(__file__).with_name("results")
CHROMIUM = "/usr/bin/chromium"
THREE_G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
USERNAME = "bench-relawan-lapangan"


def phone_photo(path: Path, seed: int) -> int:
    """A 4000x3000 JPEG like a phone camera's (texture, EXIF orientation and GPS): ~3-4 MB."""
    from PIL import Image, ImageFilter

    # Scene detail at a scale that survives shrinking to 1600 px, plus the sensor noise a
    # phone records at full size (what makes its files big; downscaling averages it away).
    scene = Image.effect_noise((160, 120), 70 + seed).convert("RGB")
    img = scene.resize((4000, 3000), Image.Resampling.BICUBIC).filter(ImageFilter.SMOOTH)
    sensor = Image.effect_noise((4000, 3000), 40).convert("RGB")
    img = Image.blend(img, sensor, 0.18)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    img.save(path, format="JPEG", quality=92, exif=exif)
    return path.stat().st_size


def _volunteer(url: str) -> None:
    from psm.accounts.models import User
    from psm.accounts.services import user_create
    from volunteers.models import Kelurahan, Volunteer

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_create(username=USERNAME, role=User.Role.VOLUNTEER, password=None)
    Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "kelurahan": Kelurahan.objects.order_by("pk").first(),
            "status": Volunteer.Status.ACTIVE,
        },
    )


def _ready_ms(page: Any, timeout: float = 60) -> float:
    """When outbox.js marked the page ready, in ms since the navigation started (polled with
    evaluate: the strict CSP refuses the eval behind wait_for_function)."""
    deadline = time.monotonic() + timeout
    script = "() => performance.getEntriesByName('psm-outbox-ready').map((e) => e.startTime)"
    while True:
        marks = page.evaluate(script)
        if marks:
            return float(marks[0])
        assert time.monotonic() < deadline, "the intake page never became ready"
        time.sleep(0.05)


def _attachments(url: str) -> int:
    with db.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM cases_attachment").fetchone()
    return int(row[0]) if row else 0


def run_field() -> int:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    url = db.bench_url("psm_bench_field")
    db.ensure_database(url)
    db.migrate(url)
    connections.close_all()
    _volunteer(url)
    static_root = tempfile.mkdtemp(prefix="psm-bench-static-")
    collectstatic(static_root)
    work = Path(tempfile.mkdtemp(prefix="psm-bench-field-"))
    log = work / "bodies.log"
    os.environ["BENCH_FIELD_LOG"] = str(log)
    os.environ["SECURE_COOKIES"] = "False"  # plain http on 127.0.0.1
    photos = [work / f"IMG_{n}.jpg" for n in range(3)]
    own_size = sum(phone_photo(path, n) for n, path in enumerate(photos))
    session = session_for(url, USERNAME)
    figures: dict[str, Any] = {"photos_bytes": own_size}
    with Gunicorn(url, static_root, workers=2) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            base_url=server.base,
            locale="id-ID",
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
        )
        context.add_cookies(
            [{"name": "sessionid", "value": session, "url": server.base, "httpOnly": True}]
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", THREE_G)

        # F2: first visit, empty cache, no service worker yet.
        page.goto("/cases/new/")
        figures["f2_first_ms"] = round(_ready_ms(page))
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        deadline = time.monotonic() + 120
        while not page.evaluate(
            "() => caches.match('/cases/new/', {ignoreSearch: true}).then(Boolean)"
        ):
            assert time.monotonic() < deadline, "service worker did not precache"
            time.sleep(0.2)
        # F2: repeat visit (the service worker answers from its cache).
        page.goto("/cases/new/")
        figures["f2_repeat_ms"] = round(_ready_ms(page))
        # F2: offline.
        context.set_offline(True)
        cdp.send("Network.emulateNetworkConditions", {**THREE_G, "offline": True})
        page.goto("/cases/new/")
        figures["f2_offline_ms"] = round(_ready_ms(page))
        figures["f2_offline_works"] = page.locator("#intake-form").is_visible()
        context.set_offline(False)
        cdp.send("Network.emulateNetworkConditions", THREE_G)

        # F1 + F3: a case with three photos, filed on 3G.
        page.goto("/cases/new/")
        _ready_ms(page)
        form = page.locator("#intake-form")
        form.locator("[name=name]").fill("Warga Uji Lapangan")
        form.locator("[name=category]").select_option(index=1)
        form.locator("[name=description]").fill("Rumah rusak berat, perlu kunjungan.")
        form.locator("[name=address]").fill("Jl. Uji No. 1")
        form.locator("[name=uploads]").set_input_files([str(p) for p in photos])
        log.write_text("")
        page.wait_for_timeout(3000)  # the volunteer checks the form; photos shrink meanwhile
        stored_before = _attachments(url)
        started = time.monotonic()
        form.locator("button[type=submit]").click()
        while _attachments(url) < stored_before + 3:  # "stored on the server"
            assert time.monotonic() - started < 120, "the photos never arrived"
            time.sleep(0.05)
        figures["f3_seconds"] = round(time.monotonic() - started, 2)
        page.wait_for_url("**/cases/*-*/", timeout=120_000)
        figures["f3_until_case_page_s"] = round(time.monotonic() - started, 2)
        sent = [json.loads(line) for line in log.read_text().splitlines() if line]
        figures["f1_bytes_sent"] = sum(entry["bytes"] for entry in sent)
        figures["f1_requests"] = len(sent)
        figures["f1_ratio"] = round(figures["f1_bytes_sent"] / own_size, 4)
        reference = page.url.rstrip("/").rsplit("/", 1)[-1]
        browser.close()
    with db.connect(url) as conn:
        row = conn.execute(
            "SELECT count(a.id) FROM cases_case c JOIN cases_attachment a ON a.case_id = c.id"
            " WHERE c.reference = %s",
            [reference],
        ).fetchone()
    figures["f3_attachments_stored"] = row[0] if row else 0
    figures["targets"] = {"f1_ratio": 0.1, "f2_first_ms": 3000, "f2_repeat_ms": 1000, "f3_s": 10}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "field.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))
    return 0


class BodySizeLog:
    """bench only (BENCH_FIELD_LOG): one line per outbox request with its body size."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.path = os.environ.get("BENCH_FIELD_LOG", "")

    def __call__(self, request: Any) -> Any:
        if self.path and request.method == "POST":
            size = int(request.META.get("CONTENT_LENGTH") or 0)
            with open(self.path, "a") as out:
                out.write(json.dumps({"path": request.path, "bytes": size}) + "\n")
        return self.get_response(request)
