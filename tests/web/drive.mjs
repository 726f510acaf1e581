// Drives the browser build in headless Chromium (software WebGL2) for tests/web.rs:
//   node drive.mjs BASE_URL OUT_DIR
// Loads the page, waits for the window's first status report, takes screenshots, clicks on the
// sheet, loads the page with other URL parameters and calls the page's spikeSummary export.
// Writes OUT_DIR/result.json; the Rust test judges it. Exits 2 with one line when something the
// test needs is missing.
import { chromium } from "playwright-core";
import { writeFileSync, existsSync } from "node:fs";

const [base, out] = process.argv.slice(2);
const executablePath = process.env.SEQSCAPE_CHROMIUM || "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`no Chromium at ${executablePath}: install it with 'apt-get install chromium' (or set SEQSCAPE_CHROMIUM)`);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
});
const result = {};
const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
const logs = [];
page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on("pageerror", (e) => logs.push(`pageerror: ${e}`));

async function status() {
  const text = await page.locator("#status").textContent();
  return text ? JSON.parse(text) : null;
}
async function waitFor(pred, ms, what) {
  const until = Date.now() + ms;
  for (;;) {
    const s = await status().catch(() => null);
    if (s && pred(s)) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last status ${JSON.stringify(s)}`);
    await page.waitForTimeout(200);
  }
}

try {
  // 1. The default page: first frame, screenshot, real-time factor.
  const t0 = Date.now();
  await page.goto(`${base}/`);
  const first = await waitFor((s) => s.t_ms > 0, 180000, "the first status report");
  result.first_status_s = (Date.now() - t0) / 1000;
  result.first = first;
  const later = await waitFor((s) => s.real_time_factor > 0 && s.t_ms > first.t_ms + 500, 120000, "a real-time factor");
  result.running = later;
  await page.screenshot({ path: `${out}/page.png` });
  result.problems_default = await page.locator("#problems").textContent();

  // 2. A click on the sheet: activity near the click.
  const box = await page.locator("#seqscape").boundingBox();
  const at = { x: box.x + box.width * 0.62, y: box.y + box.height * 0.5 };
  const before = await status();
  await page.mouse.move(at.x, at.y);
  // A held press keeps stimulating the disc under the cursor, longer than the frames between samples.
  await page.mouse.down();
  await page.waitForTimeout(800);
  await waitFor((s) => s.clicks > (before.clicks || 0), 60000, "the click's stimulus");
  // Up to 3 s for the peak activity around the click (the page tracks it every frame).
  let last = null;
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    last = await status();
    if ((last.activity_near_click_peak || 0) > 3 * last.activity_mean) break;
    await page.waitForTimeout(100);
  }
  result.click = last;
  await page.mouse.up();
  await page.screenshot({ path: `${out}/click.png` });
} catch (e) {
  result.error = String(e);
}
// 3. The page's spike summary (the browser's arithmetic against a native run).
try {
  const mod = await page.evaluate(async () => {
    const m = await import("./seqscape.js");
    return m.spikeSummary(7, 1000);
  });
  result.spike_summary = JSON.parse(mod);
} catch (e) {
  result.spike_summary_error = String(e);
}
try {
  // 4. Another seed through the URL: another landscape; a bad parameter: a message, defaults.
  const other = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await other.goto(`${base}/?seed=3&landscape=perlin&colour=red`);
  const until = Date.now() + 180000;
  let s = null;
  while (Date.now() < until) {
    const text = await other.locator("#status").textContent();
    if (text) { s = JSON.parse(text); if (s.t_ms > 0) break; }
    await other.waitForTimeout(200);
  }
  result.seed3 = s;
  result.problems_seed3 = await other.locator("#problems").textContent();
  await other.screenshot({ path: `${out}/seed3.png` });
} catch (e) {
  result.seed3_error = String(e);
}
result.logs = logs.slice(-40);
writeFileSync(`${out}/result.json`, JSON.stringify(result, null, 2));
await browser.close();
