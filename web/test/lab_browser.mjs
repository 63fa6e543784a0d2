// Real-browser test of `spinlab lab`: Debian's chromium, headless, driven by playwright-core.
// Starts the server on a free loopback port, presses Cold start at beta = 0.2 and requires
// |M|/N < 0.2 within 5 s, draws a probe at beta = 0.6 with h = +10 (its magnetisation -> +1),
// measures the frame rate the page receives at 256^2 and 1024^2; in the chambers view draws a
// probe in the left chamber (corr(left) above corr(right), error bands apart), infers the wall
// (exactly x=40,y=0:53) and drags a wall of its own; in the hysteresis view requires an open loop
// at beta = 0.6 and downloads its CSV; saves screenshots of every view, and stops the server
// with SIGINT (Ctrl-C: it must exit 0).
// Usage: node lab_browser.mjs SPINLAB_BINARY OUT_DIR
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
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

// Frames and sweeps per second the page receives in the current view, over `seconds`.
async function viewRate(page, seconds) {
  const snap = () => page.evaluate(() => ({ ...window.lab.stats, sweeps: window.lab.last.sweeps, spf: window.lab.last.sweeps_per_frame }));
  const a = await snap();
  await sleep(seconds * 1000);
  const b = await snap();
  return { sweeps_per_frame: b.spf, frames_per_s: (b.frames - a.frames) / seconds, sweeps_per_s: (b.sweeps - a.sweeps) / seconds,
           mean_latency_ms: (b.latencySum - a.latencySum) / Math.max(1, b.latencyN - a.latencyN) };
}

let server = null, browser = null, failed = false;
try {
  server = await startServer();
  log("server", server.url);
  browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true });
  const page = await context.newPage();
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

  // Chambers view: a probe in the left chamber, then the wall inference.
  await page.click('#tabs button[data-view="chambers"]');
  await waitFor(page, () => window.lab.last && window.lab.last.view === "chambers", null, 10000, "chambers frames");
  await page.$eval("#ch-spf", (el) => { el.value = "100"; el.dispatchEvent(new Event("change")); });
  await waitFor(page, () => window.lab.last.sweeps_per_frame === 100, null, 5000, "100 sweeps per frame");
  const ov = await page.locator("#ch-overlay").boundingBox();
  const cell = ov.width / 80, at = (c) => c * cell + cell / 2;
  await page.mouse.move(ov.x + at(10), ov.y + at(10));
  await page.mouse.down();
  await page.mouse.move(ov.x + at(15), ov.y + at(15), { steps: 4 });
  await page.mouse.up();
  await waitFor(page, () => { const c = window.lab.last.chambers.curves; return c && c.sweeps >= 4000 && c.now; },
                null, 15000, "4000 sweeps of the chambers probe");
  const ch = await page.evaluate(() => window.lab.last.chambers.curves);
  log(`chambers probe ${JSON.stringify(ch.rect)} after ${ch.sweeps} sweeps: corr left ${ch.now[0].mean.toFixed(3)} ± ${ch.now[0].error.toFixed(3)}, ` +
      `right ${ch.now[1].mean.toFixed(3)} ± ${ch.now[1].error.toFixed(3)}, bottom ${ch.now[2].mean.toFixed(3)} ± ${ch.now[2].error.toFixed(3)}`);
  if (JSON.stringify(ch.rect) !== "[10,10,16,16]") throw new Error(`chambers probe ${JSON.stringify(ch.rect)} does not match the drag`);
  if (!(ch.now[0].mean - ch.now[0].error > ch.now[1].mean + ch.now[1].error) ||
      !(ch.now[0].mean - ch.now[1].mean > 4 * Math.hypot(ch.now[0].error, ch.now[1].error)))
    throw new Error("corr(left) is not above corr(right) with separated error bands");
  if (!(ch.points.length >= 10)) throw new Error(`only ${ch.points.length} points on the correlation curves`);
  await waitFor(page, () => window.lab.last.chambers.samples >= 12000, null, 15000, "12000 sweeps for the inference");
  await page.click("#ch-infer");
  const inferMs = await waitFor(page, () => { const i = window.lab.last.chambers.inference; return i && i.walls; }, null, 20000, "the inferred walls");
  const inf = await page.evaluate(() => window.lab.last.chambers.inference);
  log(`inferred walls ${JSON.stringify(inf.walls)} from ${inf.samples} sweeps in ${inferMs} ms: ${inf.true_positives} true, ` +
      `${inf.false_positives} false, ${inf.undecided} undecided`);
  if (JSON.stringify(inf.walls) !== '["x=40,y=0:53"]' || inf.true_positives !== 53 || inf.false_positives !== 0)
    throw new Error(`the inference did not mark the true wall x=40,y=0:53 alone: ${JSON.stringify(inf.walls)}`);
  const chRate = await viewRate(page, 2);
  log(`chambers: ${chRate.frames_per_s.toFixed(1)} frames/s, ${chRate.sweeps_per_s.toFixed(0)} sweeps/s at ${chRate.sweeps_per_frame} sweeps/frame, latency ${chRate.mean_latency_ms.toFixed(1)} ms`);
  await page.screenshot({ path: `${outDir}/lab-chambers.png`, fullPage: true });
  const chCommand = await page.textContent("#ch-command");
  if (!chCommand.includes("spinlab probe --preset chambers") || !chCommand.includes("--probe 10,10,6,6") || !chCommand.includes("spinlab walls"))
    throw new Error(`chambers copy-as-command text is wrong: ${chCommand}`);
  // A wall of one's own: drag along the grid line y = 66 from x = 10 to x = 30.
  await page.check('input[name="ch-mode"][value="wall"]');
  await page.mouse.move(ov.x + 10 * cell + 1, ov.y + 66 * cell);
  await page.mouse.down();
  await page.mouse.move(ov.x + 30 * cell - 1, ov.y + 66 * cell, { steps: 4 });
  await page.mouse.up();
  await waitFor(page, () => window.lab.last.chambers.walls_merged.includes("y=66,x=10:30"), null, 5000, "the drawn wall y=66,x=10:30");
  await waitFor(page, () => document.getElementById("ch-command").textContent.includes("--wall y=66,x=10:30"), null, 2000,
                "the drawn wall in copy-as-command");
  const chCommand2 = await page.textContent("#ch-command");
  if (!chCommand2.includes("--boundary open --wall x=40,y=0:53 --wall y=66,x=10:30"))
    throw new Error(`copy-as-command lacks the drawn wall: ${chCommand2}`);
  log("drawn wall y=66,x=10:30 in the model and in the command");

  // Hysteresis view at beta = 0.6 (below T_c): the loop opens.
  await page.click('#tabs button[data-view="hysteresis"]');
  await waitFor(page, () => window.lab.last && window.lab.last.view === "hysteresis", null, 10000, "hysteresis frames");
  await page.selectOption("#hy-size", "64");
  await waitFor(page, () => window.lab.last && window.lab.last.view === "hysteresis" && window.lab.last.L === 64, null, 10000, "the 64^2 hysteresis lattice");
  await page.$eval("#hy-steps", (el) => { el.value = "20"; el.dispatchEvent(new Event("change")); });
  await waitFor(page, () => window.lab.last && window.lab.last.hysteresis.steps === 20 && window.lab.last.hysteresis.loops >= 4 && window.lab.last.hysteresis.area,
                null, 20000, "4 hysteresis loops");
  const hy = await page.evaluate(() => window.lab.last.hysteresis);
  log(`hysteresis at beta 0.6: ${hy.loops} loops, area ${hy.area.mean.toFixed(3)} ± ${hy.area.error.toFixed(3)}, ` +
      `coercive ${hy.coercive_up ? hy.coercive_up.mean.toFixed(3) : "?"} / ${hy.coercive_down ? hy.coercive_down.mean.toFixed(3) : "?"}`);
  if (!(hy.area.mean > 0.5 && hy.area.mean > 4 * hy.area.error)) throw new Error("the hysteresis loop did not open at beta = 0.6");
  const hyRate = await viewRate(page, 2);
  log(`hysteresis: ${hyRate.frames_per_s.toFixed(1)} frames/s (field steps/s), ${hyRate.sweeps_per_s.toFixed(0)} sweeps/s, latency ${hyRate.mean_latency_ms.toFixed(1)} ms`);
  await page.screenshot({ path: `${outDir}/lab-hysteresis.png`, fullPage: true });
  const hyCommand = await page.textContent("#hy-command");
  if (!hyCommand.includes("spinlab hysteresis --lattice square --L 64 --beta 0.600") || !hyCommand.includes("--steps 20"))
    throw new Error(`hysteresis copy-as-command text is wrong: ${hyCommand}`);
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click('.downloads[data-view="hysteresis"] button[data-dl="csv"]')]);
  const csv = readFileSync(await dl.path(), "utf8");
  if (!csv.startsWith("loop,h,m,error\nmean,")) throw new Error(`hysteresis CSV download: ${csv.slice(0, 80)}`);
  const [png] = await Promise.all([page.waitForEvent("download"), page.click('.downloads[data-view="hysteresis"] button[data-dl="png"]')]);
  const pngBytes = readFileSync(await png.path());
  if (!(pngBytes.length > 1000 && pngBytes.toString("latin1", 1, 4) === "PNG")) throw new Error("hysteresis PNG download is not a PNG");
  log(`downloads: ${dl.suggestedFilename()} (${csv.split("\n").length - 1} rows), ${png.suggestedFilename()} (${pngBytes.length} bytes)`);

  writeFileSync(`${outDir}/lab-browser.json`, JSON.stringify({
    melt_ms: melt, rates,
    chambers: { curves_sweeps: ch.sweeps, corr: ch.now, infer_ms: inferMs, inferred: inf.walls, inference_sweeps: inf.samples,
                undecided: inf.undecided, rate: chRate },
    hysteresis: { L: 64, beta: 0.6, loops: hy.loops, area: hy.area, coercive_up: hy.coercive_up, coercive_down: hy.coercive_down, rate: hyRate },
  }, null, 2) + "\n");
  if (foreign.length) throw new Error(`the page fetched outside the server: ${foreign.join(", ")}`);
  if (pageErrors.length) throw new Error(`errors in the page: ${pageErrors.join("; ")}`);
  log(`screenshots in ${outDir}: lab-lattice.png, lab-probe.png, lab-lattice-${rateSizes[rateSizes.length - 1]}.png, lab-chambers.png, lab-hysteresis.png`);
} catch (e) {
  failed = true;
  console.error("FAIL:", e.message);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) {
    const exited = new Promise((r) => server.proc.on("exit", (code, sig) => r({ code, sig })));
    server.proc.kill("SIGINT");  // Ctrl-C
    const res = await Promise.race([exited, sleep(5000).then(() => null)]);
    if (!res) { server.proc.kill("SIGKILL"); console.error("FAIL: server ignored SIGINT for 5 s"); failed = true; }
    else if (res.code !== 0) { console.error(`FAIL: server exit ${res.code} ${res.sig}`); failed = true; }
    else log("server stopped cleanly");
  }
}
process.exit(failed ? 1 : 0);
