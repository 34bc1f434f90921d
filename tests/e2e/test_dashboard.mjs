// Browser half of test_dashboard.py: drives Debian's Chromium (/usr/bin/chromium) with
// playwright-core against a running `stepguard serve` that the Python half has filled.
// Input: environment (SG_URL, SG_ARTIFACTS, SG_SCENARIO = JSON of ARNs, SG_DOCS_SCREENSHOT).
// Output: one line per check on stdout; exit code 1 on the first failed check.
import { chromium } from "playwright-core";
import path from "node:path";
import fs from "node:fs";

const url = process.env.SG_URL;
const artifacts = process.env.SG_ARTIFACTS;
const scenario = JSON.parse(process.env.SG_SCENARIO);
fs.mkdirSync(artifacts, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
  console.log("ok - " + what);
}

async function sfn(action, body) {
  const r = await fetch(url + "/", {
    method: "POST",
    headers: { "X-Amz-Target": "AWSStepFunctions." + action, "Content-Type": "application/x-amz-json-1.0" },
    body: JSON.stringify(body),
  });
  const data = await r.json();
  if (!r.ok) throw new Error(action + ": " + JSON.stringify(data));
  return data;
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
const shot = async (name) => page.screenshot({ path: path.join(artifacts, name), fullPage: false });
let failed = false;
try {
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  // 1. The grid: one tile per machine, coloured by its latest execution.
  await page.goto(url + "/");
  const tile = (name) => page.locator(`.tile[data-name="${name}"]`);
  await tile("orders").and(page.locator('[data-status="SUCCEEDED"]')).waitFor({ timeout: 10000 });
  const cls = async (name) => (await tile(name).getAttribute("class")) || "";
  check((await cls("orders")).includes("c-green"), "succeeded machine is green");
  check((await cls("nightly-report")).includes("c-red"), "failed machine is red");
  check((await cls("slowpoke")).includes("c-blue"), "running machine is blue");
  check((await cls("idle")).includes("c-grey"), "machine never run is grey");
  check((await page.locator("#count-FAILED").textContent()) === "1", "counts: one failed");
  check((await page.locator("#count-NONE").textContent()) === "1", "counts: one never run");
  check((await page.locator(".tile").count()) === scenario.machineCount, "a tile for every machine");
  check((await tile("nightly-report").locator(".badge").textContent()).includes("ALARM"), "alarm state shown on the tile");
  check((await page.locator('#alarms .alarm[data-state="ALARM"]').count()) >= 1, "alarms panel lists the alarm in ALARM");
  await page.locator("#live.on").waitFor({ timeout: 5000 });
  await shot("01-grid.png");
  if (process.env.SG_DOCS_SCREENSHOT) await page.screenshot({ path: process.env.SG_DOCS_SCREENSHOT });

  // 1b. Unmatched events: the panel next to the alarms lists the event nobody took, newest
  // first, with its bus, source, detail-type and correlation key; a click shows the event.
  const unmatched = page.locator(`#unmatched .unmatched[data-id="${scenario.unmatchedEventId}"]`);
  await unmatched.waitFor({ timeout: 10000 });
  check((await page.locator("#unmatched .unmatched").first().getAttribute("data-id")) === scenario.unmatchedEventId, "unmatched panel: newest event first");
  check((await unmatched.locator(".um-type").textContent()) === "OrderLost", "unmatched panel shows the detail-type");
  check((await unmatched.locator(".um-source").textContent()) === "shop.orders", "unmatched panel shows the source");
  check((await unmatched.locator(".um-bus").textContent()) === "default", "unmatched panel shows the bus");
  check((await unmatched.locator(".um-key").textContent()).includes("order-404"), "unmatched panel shows the correlation key");
  check((await unmatched.locator(".um-time").textContent()).length > 0, "unmatched panel shows the time");
  check(!(await page.locator("#unmatched").textContent()).includes("null"), "no stray text in the panel");
  check(!(await unmatched.locator("pre").isVisible()), "event JSON hidden until clicked");
  await unmatched.locator(".um-type").click();
  await unmatched.locator("pre").waitFor({ state: "visible" });
  check((await unmatched.locator("pre").textContent()).includes('"total": 12'), "clicking shows the event JSON");
  await shot("01b-unmatched-panel.png");
  // Refreshed while shown: a second event appears without a reload; the opened one stays open.
  const put = await fetch(url + "/", {
    method: "POST",
    headers: { "X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1" },
    body: JSON.stringify({ Entries: [{ Source: "shop.orders", DetailType: "OrderLostAgain", Detail: "{}" }] }),
  }).then((r) => r.json());
  const secondId = put.Entries[0].EventId;
  await page.locator(`#unmatched .unmatched[data-id="${secondId}"]`).waitFor({ timeout: 10000 });
  check((await page.locator("#unmatched .unmatched").first().getAttribute("data-id")) === secondId, "unmatched panel refreshes by itself");
  check(await unmatched.locator("pre").isVisible(), "an opened event stays open across refreshes");
  // The page of its own (header link, and deep link).
  await page.click("#nav-unmatched");
  await page.waitForURL(/\/events\/unmatched$/);
  await page.locator(`#unmatched .unmatched[data-id="${scenario.unmatchedEventId}"]`).waitFor({ timeout: 10000 });
  check(true, "unmatched events page from the header link");
  await page.goto(url + "/events/unmatched");
  const onPage = page.locator(`#unmatched .unmatched[data-id="${scenario.unmatchedEventId}"]`);
  await onPage.waitFor({ timeout: 10000 });
  await onPage.click();
  await onPage.locator("pre").waitFor({ state: "visible" });
  check((await onPage.locator(".um-key").textContent()).includes("order-404"), "unmatched events page by deep link");
  await shot("01c-unmatched-page.png");
  await page.goto(url + "/");
  await tile("orders").waitFor({ timeout: 10000 });
  await page.locator("#live.on").waitFor({ timeout: 5000 });

  // 2. Live update: an execution that fails turns the tile red without a reload.
  const before = Date.now();
  await page.evaluate(() => { window.__noReload = true; });
  const failing = await sfn("StartExecution", { stateMachineArn: scenario.orders, name: "live-failure", input: '{"fail": true}' });
  await tile("orders").and(page.locator('[data-status="FAILED"]')).waitFor({ timeout: 3000 });
  const latency = Date.now() - before;
  check(await page.evaluate(() => window.__noReload === true), "tile changed without a page reload");
  check((await cls("orders")).includes("c-red"), `tile turned red ${latency} ms after StartExecution`);
  await shot("02-live-failure.png");

  // 3. Filters: by name, by status, by tag.
  await page.fill("#filter-name", "slow");
  await page.waitForFunction(() => document.querySelectorAll(".tile").length === 1);
  check((await page.locator(".tile").first().getAttribute("data-name")) === "slowpoke", "name filter");
  await page.fill("#filter-name", "");
  await page.selectOption("#filter-status", "FAILED");
  await page.waitForFunction(() => [...document.querySelectorAll(".tile")].every((t) => t.dataset.status === "FAILED") && document.querySelectorAll(".tile").length === 2);
  check(true, "status filter shows the two failed machines");
  await page.selectOption("#filter-status", "");
  await page.fill("#filter-tag", "team=data");
  await page.waitForFunction(() => document.querySelectorAll(".tile").length === 1);
  check((await page.locator(".tile").first().getAttribute("data-name")) === "nightly-report", "tag filter");

  // 4. Execution page by deep link: the graph inspector colours each state.
  await page.goto(url + "/executions/" + encodeURIComponent(scenario.inspectorExecution));
  await page.locator("#graph svg[data-painted]").waitFor({ timeout: 10000 });
  const stateClass = async (name) => (await page.locator(`#graph g[id="state-${name}"]`).getAttribute("class")) || "";
  check((await stateClass("Prepare")).includes("st-succeeded"), "Prepare coloured succeeded");
  check((await stateClass("Try")).includes("st-caught"), "Try (Parallel, error caught) coloured caught error");
  check((await stateClass("Explode")).includes("st-failed"), "Explode (Fail inside the branch) coloured failed");
  check((await stateClass("Recover")).includes("st-succeeded"), "Recover coloured succeeded");
  check((await stateClass("Unused")).indexOf("st-") < 0, "a state never visited stays uncoloured");
  await page.locator('#graph g[id="state-Prepare"]').click();
  await page.locator("#step-output").waitFor();
  check((await page.locator("#step-output").textContent()).includes("prepared"), "clicking a state shows its output");
  check((await page.locator("#step-input").textContent()).includes("order-7"), "clicking a state shows its input");
  check((await page.locator("#history tbody tr").count()) >= 8, "event history table");
  await shot("03-execution-graph.png");

  // 4b. The state machine page's search finds an execution beyond the first page by its name.
  await page.goto(url + "/state-machines/inspector");
  await page.locator('#executions tr[data-execution="batch-29"]').waitFor({ timeout: 10000 });
  check((await page.locator('#executions tr[data-execution="inspect-me"]').count()) === 0, "an old execution is not on the first page");
  await page.fill("#exec-search", "inspect-me");
  await page.locator('#executions tr[data-execution="inspect-me"]').waitFor({ timeout: 5000 });
  check((await page.locator("#executions tbody tr").count()) === 1, "search finds an execution beyond the first page by its name");

  // 5. A failed execution: error banner with the cause; the failing state is red.
  await page.goto(url + "/executions/" + encodeURIComponent(failing.executionArn));
  await page.locator("#error-banner .banner").waitFor({ timeout: 10000 });
  check((await page.locator("#error-banner").textContent()).includes("OrderRejected"), "error banner names the error");
  check((await page.locator("#error-cause").textContent()).includes("fail flag set"), "error banner shows the cause");
  await page.locator("#graph svg[data-painted]").waitFor({ timeout: 10000 });
  check((await stateClass("Reject")).includes("st-failed"), "the Fail state is coloured failed");
  await shot("04-execution-failed.png");

  // 6. State machine page by deep link: diagram, executions, status filter, start button.
  await page.goto(url + "/state-machines/orders");
  await page.locator("#graph svg").waitFor({ timeout: 10000 });
  await page.locator('#executions tr[data-execution="live-failure"]').waitFor({ timeout: 5000 });
  check((await page.locator("#executions tbody tr").count()) === 2, "executions list");
  await page.selectOption("#exec-status", "SUCCEEDED");
  await page.waitForFunction(() => document.querySelectorAll("#executions tbody tr").length === 1 &&
    !document.querySelector('#executions tr[data-execution="live-failure"]'));
  check(true, "executions status filter");
  await page.selectOption("#exec-status", "");
  await page.locator('#executions tr[data-execution="live-failure"]').waitFor();
  await page.fill("#exec-search", "live");
  check((await page.locator("#executions tbody tr").count()) === 1, "executions name search");
  check((await page.locator('#executions button[data-action="RedriveExecution"]').count()) === 1, "redrive button on the failed execution");
  await shot("05-state-machine.png");
  // Stop a running execution from its state machine's page.
  await page.goto(url + "/state-machines/slowpoke");
  await page.locator('#executions button[data-action="StopExecution"]').click();
  await page.locator("#executions .st.s-ABORTED").waitFor({ timeout: 5000 });
  check(true, "stop button aborts the running execution");
  await page.goto(url + "/state-machines/orders");
  await page.locator("#start-execution").waitFor();
  await page.click("#start-execution");
  await page.fill("#start-input", '{"fail": false}');
  await page.click("#start-confirm");
  await page.waitForURL(/\/executions\//, { timeout: 5000 });
  await page.locator("#execution-status").waitFor();
  check(true, "start execution from the page opens the new execution");
  check(consoleErrors.length === 0, "no script errors: " + consoleErrors.join("; "));
} catch (e) {
  failed = true;
  console.log("not ok - " + e.message);
  await shot("failure.png").catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
