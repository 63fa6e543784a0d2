// spinlab lab, the page: one simulation per tab (POST /api/sim), frames by Server-Sent Events
// (bit-packed spins in base64, row-major, LSB first: bit 1 = +1), controls as small JSON POSTs.
"use strict";

const UP = [0x00, 0x72, 0xB2], DOWN = [0xD5, 0x5E, 0x00];  // Okabe-Ito blue / vermilion
const TRACE_POINTS = 400;

const lab = {
  id: null, source: null, info: null, config: null, last: null, paused: false,
  trace: [],  // {e, m}
  stats: { frames: 0, bytes: 0, latencySum: 0, latencyN: 0, since: performance.now() },
};
window.lab = lab;  // the browser test reads lab.stats and lab.last

const $ = (id) => document.getElementById(id);

function setStatus(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

function phaseName(beta) {
  const bc = lab.info ? lab.info.beta_c : 0.4407;
  if (Math.abs(beta - bc) <= 0.02) return "near β_c";
  return beta < bc ? "disordered" : "ordered";
}

function showBeta() {
  const b = Number($("beta").value);
  $("beta-value").textContent = b.toFixed(3);
  $("phase").textContent = phaseName(b);
  updateCommand();
}

function updateCommand() {
  const L = Number($("size").value) || 256;
  const start = lab.config ? lab.config.start : "hot";
  $("command").textContent =
    `spinlab simulate --lattice square --L ${L} --beta ${Number($("beta").value).toFixed(3)} ` +
    `--algo ${$("algo").value} --init ${start === "cold" ? "down" : "hot"} --therm 1000 ` +
    `--sweeps 10000 --measure-every ${Math.max(1, Number($("spf").value) || 1)} --seed 1`;
}

async function createSim() {
  closeSim();
  const body = {
    L: Number($("size").value), beta: Number($("beta").value), algo: $("algo").value,
    start: "hot", sweeps_per_frame: Number($("spf").value),
  };
  try {
    const r = await api("/api/sim", body);
    lab.id = r.id;
    lab.config = r.config;
    $("spf").max = r.config.max_sweeps_per_frame;
    lab.trace = [];
    lab.stats = { frames: 0, bytes: 0, latencySum: 0, latencyN: 0, since: performance.now() };
    openStream();
    setStatus(`simulation ${r.id} (L = ${r.config.L})`);
  } catch (e) {
    setStatus(e.message, true);
  }
  updateCommand();
}

function closeSim() {
  if (lab.source) lab.source.close();
  lab.source = null;
  if (lab.id) navigator.sendBeacon(`/api/sim/${lab.id}/close`, "");
  lab.id = null;
}

function openStream() {
  const src = new EventSource(`/api/sim/${lab.id}/frames`);
  lab.source = src;
  src.addEventListener("frame", (ev) => {
    const f = JSON.parse(ev.data);
    if (f.error) { setStatus(`the simulation stopped: ${f.error}`, true); return; }
    lab.stats.frames++;
    lab.stats.bytes += ev.data.length;
    lab.stats.latencySum += Date.now() - f.t_ms;
    lab.stats.latencyN++;
    lab.last = f;
    lab.trace.push({ e: f.e, m: f.abs_m });
    if (lab.trace.length > TRACE_POINTS) lab.trace.shift();
    requestDraw();
  });
  src.onerror = async () => {
    if (src !== lab.source) return;
    src.close();
    // The simulation may have been stopped (idle, server restart): make a new one.
    setStatus("stream lost; starting a new simulation…", true);
    setTimeout(() => { if (src === lab.source) createSim(); }, 1000);
  };
}

async function send(cmd) {
  if (!lab.id) return;
  try {
    await api(`/api/sim/${lab.id}/command`, cmd);
  } catch (e) {
    setStatus(e.message, true);
  }
}

let drawPending = false;
function requestDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { drawPending = false; draw(); });
}

let image = null;
function drawLattice(f) {
  const canvas = $("lattice");
  const L = f.L;
  if (canvas.width !== L) { canvas.width = L; canvas.height = L; image = null; }
  if (!image || image.width !== L) image = null;
  const ctx = canvas.getContext("2d");
  if (!image) image = ctx.createImageData(L, L);
  const bin = atob(f.spins);
  const px = image.data;
  const n = L * L;
  for (let b = 0, i = 0; b < bin.length && i < n; b++) {
    const byte = bin.charCodeAt(b);
    for (let k = 0; k < 8 && i < n; k++, i++) {
      const c = (byte >> k) & 1 ? UP : DOWN, o = 4 * i;
      px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2]; px[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

const fmt = (x, d = 4) => (x === null || x === undefined ? "–" : x.toFixed(d));
function fmtEst(est) {
  if (!est) return "(thermalising)";
  const d = est.error > 0 ? Math.max(1, Math.min(6, 1 - Math.floor(Math.log10(est.error)))) : 4;
  return `${est.mean.toFixed(d)} ± ${est.error.toFixed(d)}`;
}

function drawTrace(f) {
  const c = $("trace"), ctx = c.getContext("2d");
  const W = c.width, H = c.height, pad = 34, half = H / 2;
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px system-ui, sans-serif";
  const panels = [
    { key: "e", lo: -2, hi: 0, y0: 0, label: "E/N", exact: f.exact.e, avg: f.avg.e, color: "#000" },
    { key: "m", lo: 0, hi: 1, y0: half, label: "|M|/N", exact: f.exact.abs_m, avg: f.avg.abs_m, color: "#0072B2" },
  ];
  for (const p of panels) {
    const y = (v) => p.y0 + 6 + (half - 14) * (1 - (v - p.lo) / (p.hi - p.lo));
    ctx.strokeStyle = "#ddd"; ctx.strokeRect(pad, p.y0 + 4, W - pad - 4, half - 10);
    ctx.fillStyle = "#444";
    ctx.fillText(p.label, pad + 6, p.y0 + 18);
    ctx.fillText(String(p.hi), 2, y(p.hi) + 10);
    ctx.fillText(String(p.lo), 2, y(p.lo));
    // Onsager's value (infinite lattice): dashed green
    ctx.strokeStyle = "#009E73"; ctx.setLineDash([5, 4]);
    ctx.beginPath(); ctx.moveTo(pad, y(p.exact)); ctx.lineTo(W - 4, y(p.exact)); ctx.stroke();
    ctx.setLineDash([]);
    // running average with its error band
    if (p.avg) {
      ctx.fillStyle = "rgba(204,121,167,0.35)";
      const top = y(p.avg.mean + p.avg.error), bot = y(p.avg.mean - p.avg.error);
      ctx.fillRect(pad, Math.min(top, bot) - 1, W - pad - 4, Math.abs(bot - top) + 2);
    }
    ctx.strokeStyle = p.color; ctx.beginPath();
    lab.trace.forEach((t, i) => {
      const x = pad + ((W - pad - 4) * i) / (TRACE_POINTS - 1);
      const v = y(t[p.key]);
      if (i === 0) ctx.moveTo(x, v); else ctx.lineTo(x, v);
    });
    ctx.stroke();
  }
  ctx.fillStyle = "#009E73"; ctx.fillText("– – Onsager", W - 80, H - 4);
}

// Probe view: the rectangle (Okabe-Ito yellow border) on the overlay, its numbers in the table.
let dragging = null;  // {x0, y0, x1, y1} in lattice cells while the mouse is down
function drawProbe(f) {
  const ov = $("overlay"), ctx = ov.getContext("2d");
  ctx.clearRect(0, 0, ov.width, ov.height);
  const rect = dragging ? [Math.min(dragging.x0, dragging.x1), Math.min(dragging.y0, dragging.y1),
                           Math.max(dragging.x0, dragging.x1) + 1, Math.max(dragging.y0, dragging.y1) + 1]
                        : (f.probe ? f.probe.rect : null);
  if (rect) {
    const s = ov.width / f.L;
    ctx.strokeStyle = "#F0E442"; ctx.lineWidth = 3;
    ctx.strokeRect(rect[0] * s + 1.5, rect[1] * s + 1.5, (rect[2] - rect[0]) * s - 3, (rect[3] - rect[1]) * s - 3);
    ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
    ctx.strokeRect(rect[0] * s, rect[1] * s, (rect[2] - rect[0]) * s, (rect[3] - rect[1]) * s);
  }
  const p = f.probe;
  $("p-rect").textContent = p ? `[${p.rect[0]}, ${p.rect[2]}) × [${p.rect[1]}, ${p.rect[3]}), h = ${p.h}` : "none";
  $("p-now").textContent = p ? fmt(p.m_rect) : "–";
  $("p-mean").textContent = p ? fmtEst(p.stats && p.stats.m_rect) : "–";
  $("p-cov").textContent = p ? fmtEst(p.stats && p.stats.cov) : "–";
}

function cellAt(ev) {
  const ov = $("overlay"), b = ov.getBoundingClientRect();
  const L = lab.last ? lab.last.L : 1;
  const cx = Math.floor(((ev.clientX - b.left) / b.width) * L), cy = Math.floor(((ev.clientY - b.top) / b.height) * L);
  return [Math.min(L - 1, Math.max(0, cx)), Math.min(L - 1, Math.max(0, cy))];
}

function setupProbe() {
  const ov = $("overlay");
  ov.addEventListener("mousedown", (ev) => {
    const [x, y] = cellAt(ev);
    dragging = { x0: x, y0: y, x1: x, y1: y };
  });
  window.addEventListener("mousemove", (ev) => {
    if (!dragging) return;
    [dragging.x1, dragging.y1] = cellAt(ev);
    if (lab.last) drawProbe(lab.last);
  });
  window.addEventListener("mouseup", () => {
    if (!dragging) return;
    const d = dragging;
    dragging = null;
    const rect = [Math.min(d.x0, d.x1), Math.min(d.y0, d.y1), Math.max(d.x0, d.x1) + 1, Math.max(d.y0, d.y1) + 1];
    send({ cmd: "probe", rect, h: Number($("h").value) });
  });
  const sendH = debounce(() => send({ cmd: "probe", h: Number($("h").value) }), 60);
  $("h").oninput = () => { $("h-value").textContent = Number($("h").value).toFixed(1); sendH(); };
  $("h-zero").onclick = () => { $("h").value = 0; $("h-value").textContent = "0.0"; send({ cmd: "probe", h: 0 }); };
  $("clear-probe").onclick = () => send({ cmd: "probe", rect: null });
}

function draw() {
  const f = lab.last;
  if (!f) return;
  drawLattice(f);
  $("e-now").textContent = fmt(f.e);
  $("m-now").textContent = fmt(f.abs_m);
  $("e-avg").textContent = fmtEst(f.avg.e);
  $("m-avg").textContent = fmtEst(f.avg.abs_m);
  $("e-exact").textContent = fmt(f.exact.e);
  $("m-exact").textContent = fmt(f.exact.abs_m);
  drawTrace(f);
  drawProbe(f);
  const secs = (performance.now() - lab.stats.since) / 1000;
  const lat = lab.stats.latencyN ? lab.stats.latencySum / lab.stats.latencyN : 0;
  $("meta").textContent =
    `frame ${f.seq} · ${f.sweeps} sweeps · ${f.kernel} · ${(lab.stats.frames / secs).toFixed(1)} frames/s · ` +
    `latency ${lat.toFixed(1)} ms${f.paused ? " · paused" : ""}`;
}

function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

async function main() {
  try {
    lab.info = await api("/api/info");
  } catch (e) {
    setStatus(`cannot reach the server: ${e.message}`, true);
    return;
  }
  for (const L of lab.info.sizes) {
    const o = document.createElement("option");
    o.value = L; o.textContent = `${L}²`;
    if (L === 256) o.selected = true;
    $("size").appendChild(o);
  }
  const mark = $("beta-c-mark");
  mark.style.left = `${(100 * (lab.info.beta_c - 0.1)) / 0.9}%`;
  $("hot").onclick = () => { if (lab.config) lab.config.start = "hot"; updateCommand(); send({ cmd: "start", state: "hot" }); };
  $("cold").onclick = () => { if (lab.config) lab.config.start = "cold"; updateCommand(); send({ cmd: "start", state: "cold" }); };
  $("pause").onclick = () => {
    lab.paused = !lab.paused;
    $("pause").textContent = lab.paused ? "Resume" : "Pause";
    send({ cmd: lab.paused ? "pause" : "resume" });
  };
  $("step").onclick = () => {
    lab.paused = true;
    $("pause").textContent = "Resume";
    send({ cmd: "step" });
  };
  const sendBeta = debounce(() => send({ cmd: "set", beta: Number($("beta").value) }), 60);
  $("beta").oninput = () => { showBeta(); sendBeta(); };
  $("algo").onchange = () => { updateCommand(); send({ cmd: "set", algo: $("algo").value }); };
  $("spf").onchange = () => {
    const v = Math.round(Number($("spf").value));
    const max = Number($("spf").max) || 1000;
    $("spf").value = Math.min(Math.max(1, v || 1), max);
    updateCommand();
    send({ cmd: "set", sweeps_per_frame: Number($("spf").value) });
  };
  $("size").onchange = () => createSim();
  $("copy").onclick = async () => {
    try { await navigator.clipboard.writeText($("command").textContent); setStatus("command copied"); }
    catch { setStatus("select the command and copy it by hand"); }
  };
  window.addEventListener("pagehide", closeSim);
  setupProbe();
  showBeta();
  await createSim();
}

main();
