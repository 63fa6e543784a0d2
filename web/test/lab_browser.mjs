// Real-browser test of `spinlab lab`: Debian's chromium, headless, driven by playwright-core.
// Starts the server on a free loopback port, presses Cold start at beta = 0.2 and requires
// |M|/N < 0.2 within 5 s, draws a probe at beta = 0.6 with h = +10 (its magnetisation -> +1),
// measures the frame rate the page receives at 256^2 and 1024^2, saves
// screenshots, and stops the server with SIGTERM (it must exit 0).
// Usage: node lab_browser.mjs SPINLAB_BINARY OUT_DIR
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [binary, outDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// LAB_RATE_SIZES="2048,4096" measures other sizes (the server then allows up to the largest).
const rateSizes = (process.env.LAB_RATE_SIZES || "256,1024").split(",").map(Number);
const maxSize = Math.max(1024, ...rateSizes);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s]`, ...a);

function startServer() {
  const proc = spawn(binary, ["lab", "--no-browser", "--port", "0", "--host", "127.0.0.1", "--max-size", String(maxSize)],
                     { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not report its URL within 10 s")), 10000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1], output: () => out }); }
    });
    proc.on("exit", (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

async function waitFor(page, predicate, arg, timeoutMs, what) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await page.evaluate(predicate, arg)) return Date.now() - start;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function frameRate(page, L, seconds) {
  await page.selectOption("#size", String(L));
  await waitFor(page, (L) => window.lab.last && window.lab.last.L === L, L, 10000, `frames of L = ${L}`);
  await sleep(500);  // let the stream settle
  const a = await page.evaluate(() => ({ ...window.lab.stats }));
  await sleep(seconds * 1000);
  const b = await page.evaluate(() => ({ ...window.lab.stats }));
  const frames = b.frames - a.frames;
  return {
    L, seconds, frames, frames_per_s: frames / seconds,
    mean_latency_ms: (b.latencySum - a.latencySum) / Math.max(1, b.latencyN - a.latencyN),
    mean_frame_kib: (b.bytes - a.bytes) / Math.max(1, frames) / 1024,
  };
}

let server = null, browser = null, failed = false;
try {
  server = await startServer();
  log("server", server.url);
  browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  const foreign = [];
  page.on("request", (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) foreign.push(r.url()); });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(server.url);
  await waitFor(page, () => window.lab && window.lab.last !== null, null, 10000, "the first frame");
  log("first frame");

  // beta = 0.2 through the slider, then Cold start.
  await page.$eval("#beta", (el) => { el.value = "0.2"; el.dispatchEvent(new Event("input")); });
  await waitFor(page, () => Math.abs(window.lab.last.beta - 0.2) < 1e-9, null, 5000, "beta = 0.2 in the frames");
  const phase = await page.textContent("#phase");
  if (phase !== "disordered") throw new Error(`phase label at beta = 0.2 is "${phase}"`);
  await page.click("#cold");
  // The first frame after a restart is the start state: every spin -1, E/N = -2 (in the trace).
  await waitFor(page, () => window.lab.trace.some((t) => t.e === -2 && t.m === 1), null, 5000, "the cold state (E/N = -2)");
  const melt = await waitFor(page, () => window.lab.last.abs_m < 0.2, null, 5000, "|M|/N < 0.2 after Cold start at beta = 0.2");
  log(`cold start melted: |M|/N < 0.2 after ${melt} ms`);
  await sleep(1500);  // a few averages in the table
  await page.screenshot({ path: `${outDir}/lab-lattice.png`, fullPage: true });

  const command = await page.textContent("#command");
  if (!command.includes("--beta 0.200") || !command.includes("--init down"))
    throw new Error(`copy-as-command text is wrong: ${command}`);

  // Probe view: beta = 0.6, Cold start (all -1), drag a rectangle, h = +10: the rectangle -> +1.
  await page.$eval("#beta", (el) => { el.value = "0.6"; el.dispatchEvent(new Event("input")); });
  await waitFor(page, () => Math.abs(window.lab.last.beta - 0.6) < 1e-9, null, 5000, "beta = 0.6 in the frames");
  await page.click("#cold");
  const box = await page.locator("#overlay").boundingBox();
  await page.mouse.move(box.x + 100, box.y + 120);
  await page.mouse.down();
  await page.mouse.move(box.x + 220, box.y + 260, { steps: 5 });
  await page.mouse.up();
  await waitFor(page, () => window.lab.last.probe !== null, null, 5000, "the probe rectangle in the frames");
  await page.$eval("#h", (el) => { el.value = "10"; el.dispatchEvent(new Event("input")); });
  const pulled = await waitFor(page, () => { const p = window.lab.last.probe; return p && p.h === 10 && p.m_rect > 0.95; },
                               null, 10000, "M_rect/|R| > 0.95 with h = +10 on the probe");
  const rect = await page.evaluate(() => window.lab.last.probe.rect);
  log(`probe ${JSON.stringify(rect)}: M_rect/|R| > 0.95 ${pulled} ms after h = +10`);
  if (!(rect[0] >= 45 && rect[0] <= 55 && rect[2] >= 105 && rect[2] <= 115))
    throw new Error(`probe rectangle ${JSON.stringify(rect)} does not match the drag`);
  await waitFor(page, () => { const p = window.lab.last.probe; return p.stats && p.stats.m_rect; }, null, 10000, "probe averages");
  const outside = await page.evaluate(() => window.lab.last.m);
  if (!(outside < 0)) throw new Error(`M/N = ${outside}: the ordered -1 background should remain`);
  await page.screenshot({ path: `${outDir}/lab-probe.png`, fullPage: true });
  await page.click("#clear-probe");
  await waitFor(page, () => window.lab.last.probe === null, null, 5000, "the probe removed");

  const rates = [];
  for (const L of rateSizes) {
    const r = await frameRate(page, L, 3);
    log(`L = ${L}: ${r.frames_per_s.toFixed(1)} frames/s, latency ${r.mean_latency_ms.toFixed(1)} ms, ${r.mean_frame_kib.toFixed(1)} KiB/frame`);
    if (r.frames < 3) throw new Error(`L = ${L}: only ${r.frames} frames in ${r.seconds} s`);
    rates.push(r);
  }
  await page.screenshot({ path: `${outDir}/lab-lattice-${rateSizes[rateSizes.length - 1]}.png`, fullPage: true });
  writeFileSync(`${outDir}/lab-browser.json`, JSON.stringify({ melt_ms: melt, rates }, null, 2) + "\n");
  if (foreign.length) throw new Error(`the page fetched outside the server: ${foreign.join(", ")}`);
  if (pageErrors.length) throw new Error(`errors in the page: ${pageErrors.join("; ")}`);
  log(`screenshots in ${outDir}: lab-lattice.png, lab-probe.png, lab-lattice-${rateSizes[rateSizes.length - 1]}.png`);
} catch (e) {
  failed = true;
  console.error("FAIL:", e.message);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) {
    const exited = new Promise((r) => server.proc.on("exit", (code, sig) => r({ code, sig })));
    server.proc.kill("SIGTERM");
    const res = await Promise.race([exited, sleep(5000).then(() => null)]);
    if (!res) { server.proc.kill("SIGKILL"); console.error("FAIL: server ignored SIGTERM for 5 s"); failed = true; }
    else if (res.code !== 0) { console.error(`FAIL: server exit ${res.code} ${res.sig}`); failed = true; }
    else log("server stopped cleanly");
  }
}
process.exit(failed ? 1 : 0);
