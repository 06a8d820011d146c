#!/usr/bin/env python3
"""The dashboard in a real headless browser (Debian's chromium and chromedriver, Selenium from PyPI).

Run by Tests/Browser/run-dashboard-test.sh, which the Swift test DashboardBrowserTests starts against a real
`gantry api` (real Redis and PostgreSQL) that it has prepared: a project with two forecasts, a dead job in
GANTRY_QUEUE, and no worker left on that queue (so submitted jobs stay ready and a retried job leaves dead for
good). It signs in with the token, watches the depth of GANTRY_QUEUE change after it submits jobs through the
API, retries the dead job by clicking, opens the project's Gantt view and forecast, downloads its report, walks a keyboard path,
checks that every input has a label, and saves a screenshot of each view in GANTRY_ARTEFACTS.

Every wait is explicit and bounded (WebDriverWait with a timeout); the script never sleeps blindly.
Exit 0: every check passed. The last line says PASS or FAIL.
"""

import json
import os
import sys
import traceback
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

API = os.environ["GANTRY_API_URL"].rstrip("/")
TOKEN = os.environ["GANTRY_TOKEN"]
QUEUE = os.environ["GANTRY_QUEUE"]
PROJECT = os.environ["GANTRY_PROJECT"]
DEAD_JOB = os.environ["GANTRY_DEAD_JOB"]
ARTEFACTS = os.environ.get("GANTRY_ARTEFACTS", ".build/artefacts/dashboard")
DOWNLOADS = os.path.abspath(os.path.join(ARTEFACTS, "downloads"))
WAIT = float(os.environ.get("GANTRY_BROWSER_WAIT", "30"))
WIDTH, HEIGHT = 1366, 768

screenshots = []


def call(method, path, body=None):
    """The API, as a producer would call it (not through the page)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {TOKEN}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("GANTRY_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={WIDTH},{HEIGHT}", "--lang=en-GB"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "download.prompt_for_download": False})
    service = Service(executable_path=os.environ.get("GANTRY_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT)
    fit_viewport(driver, HEIGHT)
    return driver


def fit_viewport(driver, height):
    """Makes the page's viewport (not the window, which adds its frame) WIDTH × height."""
    driver.set_window_size(WIDTH, height)
    inner_w, inner_h = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(WIDTH + (WIDTH - inner_w), height + (height - inner_h))


def shot(driver, name, full_page=False):
    """A PNG of the viewport (1366×768), or of the whole page when full_page."""
    path = os.path.join(ARTEFACTS, f"{name}.png")
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        fit_viewport(driver, max(HEIGHT, min(height, 6000)))
    driver.save_screenshot(path)
    if full_page:
        fit_viewport(driver, HEIGHT)
    screenshots.append(path)
    print(f"screenshot: {path}", flush=True)


def wait(driver, condition, what):
    try:
        # Views re-render as live updates arrive: an element read mid-render is looked up again.
        return WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except TimeoutException:
        raise AssertionError(f"timed out after {WAIT:.0f}s waiting for {what}") from None


def job_ids(driver):
    """The job rows listed, read in one script call (atomic against a re-render)."""
    return driver.execute_script("return [...document.querySelectorAll('#job-results tr[data-job]')].map(e => e.dataset.job)")


def cell(driver, queue, field):
    rows = driver.find_elements(By.CSS_SELECTOR, f'#queue-table tr[data-queue="{queue}"] td[data-field="{field}"]')
    return rows[0].text if rows else None


def check_labels(driver, where):
    """Every visible input and select has a label (label[for], aria-label or aria-labelledby)."""
    unlabelled = driver.execute_script("""
        return [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.offsetParent !== null)
          .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`)) && !e.getAttribute('aria-label')
                       && !e.getAttribute('aria-labelledby'))
          .map(e => e.outerHTML);""")
    assert not unlabelled, f"inputs without a label on {where}: {unlabelled}"


def go(driver, hash_, ready_css, what):
    driver.execute_script("location.hash = arguments[0]", hash_)
    return wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, ready_css)), what)


def run(driver):

    # --- Sign in, by keyboard: the token field is labelled and focused; Enter submits.
    driver.get(API + "/")
    field = wait(driver, EC.visibility_of_element_located((By.ID, "token")), "the login form")
    assert driver.find_element(By.CSS_SELECTOR, 'label[for="token"]').text == "API token"
    check_labels(driver, "the login form")
    shot(driver, "01-login")
    active = driver.switch_to.active_element
    assert active.get_attribute("id") == "token", "the token field is focused on load"
    field.send_keys("gty_not_a_token", Keys.ENTER)
    wait(driver, lambda d: "Sign-in failed" in d.find_element(By.ID, "login-error").text, "a refused token's message")
    # The refused token's 401 is logged by the browser as a failed load: expected, so dropped here; any
    # other console error from now on fails the test.
    driver.get_log("browser")
    field = driver.find_element(By.ID, "token")
    field.clear()
    field.send_keys(TOKEN, Keys.ENTER)
    wait(driver, EC.visibility_of_element_located((By.ID, "nav")), "the navigation after signing in")
    assert driver.execute_script("return sessionStorage.getItem('gantry.token')") == TOKEN
    assert TOKEN not in driver.current_url

    # --- Queues: the live feed connects, then the depth of QUEUE changes after jobs are submitted.
    wait(driver, lambda d: d.find_element(By.ID, "live").text == "live", "the live event stream to connect")
    wait(driver, lambda d: cell(d, QUEUE, "ready") not in (None, "–"), f"the row of queue {QUEUE}")
    ready_before = int(cell(driver, QUEUE, "ready"))
    submitted = [call("POST", "/v1/jobs", {"kind": "gantry.noop", "queue": QUEUE, "payload": {}})["id"] for _ in range(5)]
    wait(driver, lambda d: cell(d, QUEUE, "ready") == str(ready_before + 5),
         f"the ready depth of {QUEUE} to go from {ready_before} to {ready_before + 5} (pushed by the event stream)")
    charts = driver.find_elements(By.CSS_SELECTOR, '#view svg[role="img"]')
    assert charts and all(c.get_attribute("aria-label") for c in charts), "depth charts are labelled images"
    shot(driver, "02-queues")

    # --- A queue page: its busiest groups, jobs by state, filtered by kind, and found by ID.
    go(driver, f"#/queues/{QUEUE}", "#job-state", "the queue page")
    check_labels(driver, "the queue page")
    for _ in range(2):
        call("POST", "/v1/jobs", {"kind": "gantry.noop", "queue": QUEUE, "payload": {}, "group": "browser-acme"})
    group_ready = 'tr[data-group="browser-acme"] td[data-field="ready"]'
    wait(driver, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#group-table " + group_ready)] == ["2"],
         "a group's 2 ready jobs among the busiest groups (refreshed by the event stream)")
    wait(driver, lambda d: len(job_ids(d)) >= 5, "the ready jobs listed")
    kind = driver.find_element(By.ID, "job-kind")
    kind.send_keys("gantry.noop", Keys.ENTER)
    wait(driver, lambda d: set(job_ids(d)) >= set(submitted),
         "the submitted jobs among the gantry.noop jobs")
    job_id = driver.find_element(By.ID, "job-id")
    job_id.send_keys(submitted[0], Keys.ENTER)
    wait(driver, lambda d: job_ids(d) == [submitted[0]],
         "the job found by its ID")
    shot(driver, "03-queue-page")

    # --- Dead letter: the dead job with its error; retry it by clicking; it leaves dead.
    go(driver, "#/dead", f'tr[data-dead-job="{DEAD_JOB}"]', "the dead job in the dead-letter view")
    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-dead-job="{DEAD_JOB}"]')
    assert row.find_element(By.CSS_SELECTOR, "td.err").text.strip(), "the dead job shows its error"
    shot(driver, "04-dead-letter")
    row.find_element(By.CSS_SELECTOR, "button.retry").click()
    wait(driver, EC.invisibility_of_element_located((By.CSS_SELECTOR, f'tr[data-dead-job="{DEAD_JOB}"]')), "the retried job to leave the dead list")
    state = call("GET", f"/v1/jobs/{DEAD_JOB}?queue={QUEUE}")["state"]
    assert state == "ready", f"the retried job is {state}, not ready"
    shot(driver, "05-dead-letter-after-retry")

    # --- Keyboard path: on a fresh load, Tab first reaches the skip link, then the nav; Enter opens Workers.
    # A real reload: `get` of the URL already shown is a same-document navigation, which keeps the focus point
    # where the last click left it (beside other queues' dead jobs, when other tests left some).
    driver.get(API + "/#/dead")
    driver.refresh()
    wait(driver, EC.visibility_of_element_located((By.ID, "nav")), "the dashboard after a reload (the token kept in the tab)")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("class") == "skip", "Tab first reaches the skip link"
    for _ in range(8):
        if driver.switch_to.active_element.get_attribute("data-view") == "workers":
            break
        ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("data-view") == "workers", "Tab reaches the Workers link"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait(driver, lambda d: d.current_url.endswith("#/workers"), "Enter on the Workers link to open the view")

    # --- Workers.
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#worker-table tr[data-worker]")) >= 1, "a live worker listed")
    shot(driver, "06-workers")

    # --- Projects: the portfolio, then the project's Gantt view and forecast.
    go(driver, "#/projects", f'#portfolio-table tr[data-project="{PROJECT}"]', "the project in the portfolio")
    shot(driver, "07-portfolio")
    driver.find_element(By.CSS_SELECTOR, f'#portfolio-table tr[data-project="{PROJECT}"] a').click()
    gantt = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, "#gantt svg")), "the project's Gantt chart")
    texts = [t.text for t in gantt.find_elements(By.TAG_NAME, "text")]
    assert "today" in texts, "the Gantt chart has today's line"
    assert "requirements analysis" in texts and "deployment and training" in texts, f"the Gantt rows name the phases: {texts}"
    bars = gantt.find_elements(By.TAG_NAME, "rect")
    assert len(bars) >= 9, f"planned, actual and forecast bars are drawn ({len(bars)} rects)"
    shot(driver, "08-project-gantt")
    forecast = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, "#forecast svg")), "the forecast charts")
    driver.execute_script("document.getElementById('forecast-title').scrollIntoView()")
    histogram_bars = forecast.find_elements(By.TAG_NAME, "rect")
    assert len(histogram_bars) >= 10, "the histogram has bars"
    assert driver.find_elements(By.CSS_SELECTOR, "#tornado svg rect"), "the tornado has bars"
    trend_points = driver.find_elements(By.CSS_SELECTOR, "#p80-trend svg circle")
    assert len(trend_points) >= 4, f"the P80/P50 trend shows both forecasts ({len(trend_points)} points)"
    shot(driver, "09-project-forecast")
    # Its report downloads (fetched with the token, which a plain link could not send).
    driver.find_element(By.CSS_SELECTOR, "#reports button").click()
    wait(driver, lambda d: [f for f in os.listdir(DOWNLOADS) if f.startswith("report-") and f.endswith(".html")],
         "the report to download")
    report = os.path.join(DOWNLOADS, [f for f in os.listdir(DOWNLOADS) if f.startswith("report-")][0])
    wait(driver, lambda d: "Northwind CRM rollout" in open(report, encoding="utf-8", errors="replace").read(), "the report's content")
    print(f"report: {report}", flush=True)
    shot(driver, "10-project-full-page", full_page=True)

    # --- Sign out forgets the token.
    driver.find_element(By.ID, "logout").click()
    wait(driver, EC.visibility_of_element_located((By.ID, "token")), "the login form after signing out")
    assert driver.execute_script("return sessionStorage.getItem('gantry.token')") is None


def main():
    os.makedirs(DOWNLOADS, exist_ok=True)
    driver = browser()
    try:
        run(driver)
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, f"the browser console has errors: {errors}"
        print("artefacts:", *screenshots, sep="\n  ")
        print("PASS")
        return 0
    except Exception:
        traceback.print_exc()
        try:
            shot(driver, "failure")
            for e in driver.get_log("browser"):
                print("console:", e, file=sys.stderr)
        except Exception:
            pass
        print("FAIL")
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
