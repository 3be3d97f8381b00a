"""The instructor's report and a learner's feedback page, opened in headless Chromium.

The sample class is graded once through the real CLI; Chromium is driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: JSON messages ending in NUL on fds 3 and
4), so no Python package is needed beyond the standard library. Every wait is for an event
(the page's load event, a command's reply), with a generous deadline only as a safety net.

Screenshots are saved under the test's temporary folder and, when the environment variable
``MLMATH_TEST_ARTIFACTS`` names a folder, there as well (CI keeps them).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "class"
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p), None)
BASH = shutil.which("bash") or "/bin/bash"  # sh (dash) cannot redirect fds above 9
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); CI has it")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars", "--window-size=1400,1000", "--remote-debugging-pipe"]
DEADLINE_S = 60.0  # a safety net for a hung browser, never the condition waited for


def _above_9(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Browser:
    """A headless Chromium and one page, driven over the DevTools protocol on a pipe."""

    def __init__(self, profile: Path, log: Path):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4. The child's ends are
        # moved above 9 first, so that placing them on 3 and 4 cannot clobber one another.
        to_chrome_r, from_chrome_w = (_above_9(to_chrome_r), _above_9(from_chrome_w))
        script = (f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} '
                  f"{to_chrome_r}<&- {from_chrome_w}>&-")
        self._log = open(log, "wb")  # closed in close()
        self.proc = subprocess.Popen(
            [BASH, "-c", script, CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
             "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=self._log)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session=True)

    def _send(self, message: dict) -> None:
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise TimeoutError("Chromium stopped answering (see chromium.log)")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise ConnectionError("Chromium closed the pipe (see chromium.log)")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and wait for its reply (events on the way are kept)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + DEADLINE_S
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, since: int) -> dict:
        """The first event ``method`` of our page after ``self.events[since:]`` began."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            for event in self.events[since:]:
                if event.get("method") == method and event.get("sessionId") == self.session:
                    return event
            since = len(self.events)
            self.events.append(self._receive(deadline))

    def open(self, url: str) -> None:
        """Navigate and wait for the page's load event."""
        mark = len(self.events)
        result = self.call("Page.navigate", session=True, url=url)
        assert "errorText" not in result, result
        self.wait_for("Page.loadEventFired", mark)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the element and, if that navigates, wait for the new page's load event."""
        mark = len(self.events)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_for("Page.loadEventFired", mark)

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", session=True, format="png",
                         captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def requests(self) -> list[str]:
        """Every URL the page asked for so far (Network.requestWillBeSent)."""
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self._send({"id": self._next_id + 1, "method": "Browser.close"})
            self.proc.wait(timeout=DEADLINE_S)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_chrome)
            os.close(self._from_chrome)
            self._log.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    """The sample class graded through the real CLI (exit 1: it has unreadable files)."""
    out = tmp_path_factory.mktemp("browser") / "grades"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(SAMPLE),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=900)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "report.html").is_file()
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chromium")
    b = Browser(Path(tempfile.mkdtemp(dir=folder, prefix="profile-")), folder / "chromium.log")
    yield b
    b.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> list[Path]:
    """Folders to save screenshots in: the test's own, and $MLMATH_TEST_ARTIFACTS if set."""
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("MLMATH_TEST_ARTIFACTS"):
        folders.append(Path(os.environ["MLMATH_TEST_ARTIFACTS"]))
        folders[-1].mkdir(parents=True, exist_ok=True)
    return folders


def save_screenshot(browser: Browser, artifacts: list[Path], name: str) -> Path:
    first = browser.screenshot(artifacts[0] / name)
    for folder in artifacts[1:]:
        shutil.copyfile(first, folder / name)
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and first.stat().st_size > 10_000
    return first


def students_of(out: Path) -> list[str]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return sorted(row[0] for row in db.execute("SELECT DISTINCT student FROM grades"))
    finally:
        db.close()


# An attribute that names a URL with a scheme (http:, https:, file:, javascript:, //host...),
# other than data: (inline images).
EXTERNAL = re.compile(r"""\b(?:src|href|action|srcset|poster|data|xlink:href)\s*=\s*["']?\s*"""
                      r"""(?:(?!data:)[a-z][a-z0-9+.-]*:|//)""", re.I)


def assert_self_contained(html: str) -> None:
    """No attribute fetches anything outside the file, and nothing CSS-imports either."""
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert not re.search(r"<link\b|<iframe\b|<object\b|<embed\b|@import|url\(\s*['\"]?http",
                         html, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def assert_only_local_requests(browser: Browser) -> None:
    urls = browser.requests()
    assert urls, "the network domain reported nothing: the check would be blind"
    outside = [u for u in urls if not u.startswith(("file://", "data:", "about:"))]
    assert not outside, outside


def test_report_lists_every_student_and_links_their_feedback(graded, browser, artifacts):
    """Is every student's row and feedback link there, opening their feedback page?"""
    students = students_of(graded)
    assert len(students) == 12
    html = (graded / "report.html").read_text()
    assert_self_contained(html)
    mark = len(browser.events)
    browser.open((graded / "report.html").as_uri())
    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('#students-table tbody tr')).map(r => "
        "({student: r.dataset.student, href: r.querySelector('a.feedback-link').href, "
        "text: r.querySelector('a.feedback-link').textContent}))")
    assert sorted(r["student"] for r in rows) == students
    assert all(r["text"] == r["student"] for r in rows)
    for row in rows:  # every link resolves to a feedback page that exists, in the output
        path = Path(unquote(urlparse(row["href"]).path))
        assert path.is_file() and path.parent == graded / "feedback", row
    # The histogram is drawn and holds every student.
    bars = browser.evaluate("Array.from(document.querySelectorAll('#histogram rect.bar'))"
                            ".map(r => r.getBoundingClientRect().height)")
    counts = browser.evaluate("Array.from(document.querySelectorAll('#histogram rect.bar "
                              "title')).map(t => parseInt(t.textContent.split(': ')[1]))")
    assert len(bars) >= 8 and sum(counts) == 12 and max(bars) > 50
    save_screenshot(browser, artifacts, "report.png")
    assert_only_local_requests(browser)
    assert all(e.get("method") != "Runtime.exceptionThrown" for e in browser.events[mark:])
    # Clicking a name opens that student's feedback page.
    target = rows[3]
    browser.click(f"a.feedback-link[href$='{Path(urlparse(target['href']).path).name}']")
    assert browser.evaluate("location.href") == target["href"]
    heading = browser.evaluate("document.querySelector('h1').textContent")
    assert heading == f"Feedback for {target['student']}"


def test_report_table_sorts_by_score(graded, browser):
    """Does clicking the score heading sort the students by score, both ways?"""
    browser.open((graded / "report.html").as_uri())
    read = ("Array.from(document.querySelectorAll('#students-table tbody tr'))"
            ".map(r => parseFloat(r.cells[1].dataset.sort))")
    button = "document.querySelectorAll('#students-table thead button')[1].click()"
    browser.evaluate(button)
    ascending = browser.evaluate(read)
    browser.evaluate(button)
    descending = browser.evaluate(read)
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)
    assert ascending[0] < ascending[-1]


def test_feedback_page_opens_and_stays_local(graded, browser, artifacts):
    """Does one learner's feedback page render its tasks, statuses and legend, locally?"""
    from grader.grading.names import student_slug

    page = graded / "feedback" / f"{student_slug('cai_typical_mistakes')}.html"
    html = page.read_text()
    assert_self_contained(html)
    assert "<script" not in html
    mark = len(browser.events)
    browser.open(page.as_uri())
    statuses = browser.evaluate("Array.from(document.querySelectorAll('tbody .status'))"
                                ".map(s => s.textContent)")
    from grader.course.tasks import read_tasks

    tasks = len(read_tasks(Path(__file__).resolve().parent.parent / "exercises"))
    assert len(statuses) == tasks and set(statuses) <= {"passed", "partly", "failed"}
    assert {"partly", "failed"} <= set(statuses)
    legend = browser.evaluate("document.querySelector('#legend').textContent")
    assert "partly" in legend and "not submitted" not in legend
    save_screenshot(browser, artifacts, "feedback.png")
    urls = [e["params"]["request"]["url"] for e in browser.events[mark:]
            if e.get("method") == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(("file://", "data:")) for u in urls), urls


def test_similarity_section_shows_pairs_side_by_side(graded, browser, artifacts, tmp_path):
    """Does the report's similarity section list pairs and open them side by side, locally?"""
    from grader.grading.class_report import write_class_report
    from grader.grading.runner import DEFAULT_SUITES, suite_exercises
    from grader.grading.similarity import read_stubs, similarity_report, sources_of
    from grader.grading.submissions import discover

    exercises = suite_exercises(DEFAULT_SUITES)
    report = similarity_report(sources_of(discover(SAMPLE, exercises)),
                               read_stubs(ROOT / "exercises", exercises), jobs=1)
    db = sqlite3.connect(graded / "gradebook.sqlite")
    try:
        results = [json.loads(row[0]) for row in db.execute("SELECT result FROM grades")]
    finally:
        db.close()
    out = tmp_path / "with_similarity"
    shutil.copytree(graded / "feedback", out / "feedback")
    page = write_class_report(results, out, {}, similarity=report)
    assert_self_contained(page.read_text())
    mark = len(browser.events)
    browser.open(page.as_uri() + "#similarity")
    pairs = browser.evaluate("document.querySelectorAll('#similar-pairs tbody tr').length")
    assert pairs == len(report["pairs"]) > 0  # the sample class is made from the solutions
    browser.evaluate("document.querySelectorAll('#similarity details').forEach(d => d.open = "
                     "true)")
    sides = browser.evaluate(
        "Array.from(document.querySelectorAll('#similarity details .side')).map(s => "
        "Array.from(s.querySelectorAll('pre')).map(p => p.getBoundingClientRect().left))")
    assert sides and all(len(s) == 2 and s[0] < s[1] for s in sides)  # left and right
    text = browser.evaluate("document.querySelector('#similarity').innerText")
    assert "inner product" in text and "cheat" not in text.lower()
    save_screenshot(browser, artifacts, "similarity.png")
    urls = [e["params"]["request"]["url"] for e in browser.events[mark:]
            if e.get("method") == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(("file://", "data:")) for u in urls), urls
