// spinlab lab, the page: one simulation per tab (POST /api/sim), frames by Server-Sent Events
// (bit-packed spins in base64, row-major, LSB first: bit 1 = +1), controls as small JSON POSTs.
// Three views (lattice & probe, chambers, hysteresis); switching views replaces the simulation.
"use strict";

const UP = [0x00, 0x72, 0xB2], DOWN = [0xD5, 0x5E, 0x00];  // Okabe-Ito blue / vermilion
const CHAMBER_COLORS = ["#0072B2", "#D55E00", "#009E73"];  // left, right, bottom
const CHAMBER_NAMES = ["left", "right", "bottom"];
const TRACE_POINTS = 400;

const lab = {
  view: "lattice", id: null, source: null, info: null, config: null, last: null, paused: false,
  trace: [],  // {e, m} (lattice view)
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

function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

const fmt = (x, d = 4) => (x === null || x === undefined ? "–" : x.toFixed(d));
function fmtEst(est, none = "(thermalising)") {
  if (!est) return none;
  const d = est.error > 0 ? Math.max(1, Math.min(6, 1 - Math.floor(Math.log10(est.error)))) : 4;
  return `${est.mean.toFixed(d)} ± ${est.error.toFixed(d)}`;
}

// ---------------------------------------------------------------- simulation and stream

function createBody(view) {
  if (view === "chambers")
    return { view, beta: Number($("ch-beta").value), algo: $("ch-algo").value, start: "hot",
             sweeps_per_frame: Number($("ch-spf").value) };
  if (view === "hysteresis")
    return { view, L: Number($("hy-size").value), beta: Number($("hy-beta").value), algo: $("hy-algo").value,
             H: Number($("hy-H").value), steps: Number($("hy-steps").value), sweeps_per_frame: Number($("hy-spf").value) };
  return { L: Number($("size").value), beta: Number($("beta").value), algo: $("algo").value,
           start: "hot", sweeps_per_frame: Number($("spf").value) };
}

async function createSim() {
  closeSim();
  const view = lab.view;
  try {
    const r = await api("/api/sim", createBody(view));
    if (view !== lab.view) { navigator.sendBeacon(`/api/sim/${r.id}/close`, ""); return; }
    lab.id = r.id;
    lab.config = r.config;
    lab.last = null;
    lab.paused = false;
    for (const b of ["pause", "ch-pause", "hy-pause"]) $(b).textContent = "Pause";
    const spf = { lattice: "spf", chambers: "ch-spf", hysteresis: "hy-spf" }[view];
    $(spf).max = r.config.max_sweeps_per_frame;
    lab.trace = [];
    lab.stats = { frames: 0, bytes: 0, latencySum: 0, latencyN: 0, since: performance.now() };
    openStream();
    setStatus(`simulation ${r.id} (${view} view, L = ${r.config.L})`);
  } catch (e) {
    setStatus(e.message, true);
  }
  updateCommands();
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
    if ((f.view || "lattice") === "lattice") {
      lab.trace.push({ e: f.e, m: f.abs_m });
      if (lab.trace.length > TRACE_POINTS) lab.trace.shift();
    }
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

const images = new Map();
function drawSpins(canvas, f) {
  const L = f.L;
  if (canvas.width !== L) { canvas.width = L; canvas.height = L; }
  const ctx = canvas.getContext("2d");
  let image = images.get(canvas);
  if (!image || image.width !== L) { image = ctx.createImageData(L, L); images.set(canvas, image); }
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

function meta(f) {
  const secs = (performance.now() - lab.stats.since) / 1000;
  const lat = lab.stats.latencyN ? lab.stats.latencySum / lab.stats.latencyN : 0;
  return `frame ${f.seq} · ${f.sweeps} sweeps · ${f.kernel} · ${(lab.stats.frames / secs).toFixed(1)} frames/s · ` +
         `latency ${lat.toFixed(1)} ms${f.paused ? " · paused" : ""}`;
}

function draw() {
  const f = lab.last;
  if (!f) return;
  const view = f.view || "lattice";
  if (view !== lab.view) return;
  if (view === "chambers") drawChambers(f);
  else if (view === "hysteresis") drawHysteresis(f);
  else drawLatticeView(f);
  updateCommands();
}

// ---------------------------------------------------------------- plots (canvas and SVG)

// A painter draws on a canvas or collects SVG; plots are written once against it.
function canvasPainter(canvas) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  return {
    W: canvas.width, H: canvas.height,
    line(pts, color, width = 1.5, dash = null) {
      if (pts.length < 2) return;
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash || []);
      ctx.beginPath(); pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y))); ctx.stroke();
      ctx.setLineDash([]);
    },
    poly(pts, fill) {
      if (pts.length < 3) return;
      ctx.fillStyle = fill; ctx.beginPath(); pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.closePath(); ctx.fill();
    },
    rect(x, y, w, h, stroke) { ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.strokeRect(x, y, w, h); },
    text(x, y, s, color = "#444", anchor = "start") {
      ctx.fillStyle = color; ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = anchor === "middle" ? "center" : anchor; ctx.fillText(s, x, y);
      ctx.textAlign = "start";
    },
  };
}

function svgPainter(W, H) {
  const parts = [];
  const pts2 = (pts) => pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return {
    W, H,
    line(pts, color, width = 1.5, dash = null) {
      if (pts.length < 2) return;
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash.join(",")}"` : ""} points="${pts2(pts)}"/>`);
    },
    poly(pts, fill) { if (pts.length >= 3) parts.push(`<polygon fill="${fill}" points="${pts2(pts)}"/>`); },
    rect(x, y, w, h, stroke) { parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${stroke}"/>`); },
    text(x, y, s, color = "#444", anchor = "start") {
      parts.push(`<text x="${x}" y="${y}" fill="${color}" font-size="11" font-family="sans-serif" text-anchor="${anchor}">${esc(s)}</text>`);
    },
    svg() {
      return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
             `<rect width="100%" height="100%" fill="#fff"/>${parts.join("")}</svg>\n`;
    },
  };
}

// spec: {xlabel, ylabel, xlog, x: [lo, hi], y: [lo, hi], series: [{points: [[x, y, err]], color,
// band, dash, label, markers}], legend}
function plot(p, spec) {
  const left = 42, right = 8, top = 8, bottom = 30;
  const W = p.W - left - right, H = p.H - top - bottom;
  const tx = spec.xlog ? Math.log10 : (v) => v;
  const [x0, x1] = spec.x.map(tx), [y0, y1] = spec.y;
  const X = (v) => left + (W * (tx(v) - x0)) / (x1 - x0);
  const Y = (v) => top + H * (1 - (Math.min(Math.max(v, y0 - 1), y1 + 1) - y0) / (y1 - y0));
  p.rect(left, top, W, H, "#bbb");
  // ticks
  const xt = spec.xlog ? [] : spec.xticks || [];
  if (spec.xlog) for (let e = Math.ceil(x0); e <= Math.floor(x1); e++) xt.push(10 ** e);
  for (const v of xt) {
    p.line([[X(v), top + H], [X(v), top + H + 4]], "#888", 1);
    p.text(X(v), top + H + 15, spec.xlog ? `10^${Math.round(Math.log10(v))}` : String(v), "#444", "middle");
  }
  for (const v of spec.yticks || [y0, y1]) {
    p.line([[left - 4, Y(v)], [left, Y(v)]], "#888", 1);
    p.text(left - 6, Y(v) + 4, String(v), "#444", "end");
  }
  if (spec.zero) p.line([[left, Y(0)], [left + W, Y(0)]], "#ddd", 1);
  if (spec.xzero) p.line([[X(0), top], [X(0), top + H]], "#ddd", 1);
  p.text(left + W / 2, p.H - 3, spec.xlabel, "#222", "middle");
  p.text(left + 4, top + 12, spec.ylabel, "#222");
  for (const s of spec.series) {
    const pts = s.points.filter((q) => Number.isFinite(q[1]) && (!spec.xlog || q[0] > 0));
    if (s.band) {
      const upper = pts.map((q) => [X(q[0]), Y(q[1] + q[2])]), lower = pts.map((q) => [X(q[0]), Y(q[1] - q[2])]).reverse();
      p.poly(upper.concat(lower), s.band);
    }
    if (s.errorbars) for (const q of pts) p.line([[X(q[0]), Y(q[1] - q[2])], [X(q[0]), Y(q[1] + q[2])]], s.color, 1);
    p.line(pts.map((q) => [X(q[0]), Y(q[1])]), s.color, s.width || 1.5, s.dash);
  }
  (spec.legend || []).forEach(([label, color, dash], i) => {
    const lx = left + W - 150, ly = top + 14 + 14 * i;
    p.line([[lx, ly - 4], [lx + 18, ly - 4]], color, 2, dash);
    p.text(lx + 22, ly, label, "#222");
  });
}

// ---------------------------------------------------------------- downloads

function saveBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
const saveText = (text, name, type) => saveBlob(new Blob([text], { type }), name);

function frameData() {
  const f = { ...lab.last };
  delete f.spins;  // the pictures carry the spins
  return f;
}

// The picture of a view: the lattice (scaled up, with the overlay) or the view's plot.
function savePng(canvas, name, overlay = null, size = 0) {
  let c = canvas;
  if (overlay || size) {
    c = document.createElement("canvas");
    c.width = c.height = size || overlay.width;
    const ctx = c.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(canvas, 0, 0, c.width, c.height);
    if (overlay) ctx.drawImage(overlay, 0, 0, c.width, c.height);
  }
  c.toBlob((b) => saveBlob(b, name), "image/png");
}

function download(view, kind) {
  const f = lab.last;
  if (!f) return;
  const stem = `spinlab-lab-${view}-${f.sweeps}`;
  if (kind === "json") {
    const extra = view === "lattice" ? { trace: lab.trace } : {};
    return saveText(JSON.stringify({ command: commandFor(view), frame: frameData(), ...extra }, null, 1), `${stem}.json`, "application/json");
  }
  if (view === "lattice") {
    if (kind === "csv") return saveText("frame,e,abs_m\n" + lab.trace.map((t, i) => `${i},${t.e},${t.m}`).join("\n") + "\n", `${stem}.csv`, "text/csv");
    if (kind === "png") return savePng($("lattice"), `${stem}.png`, $("overlay"));
    if (kind === "svg") { const p = svgPainter(460, 220); traceSpecs(f).forEach((s) => plot(p, s)); return saveText(p.svg(), `${stem}.svg`, "image/svg+xml"); }
  } else if (view === "chambers") {
    const c = f.chambers.curves;
    if (kind === "csv") {
      let csv = "sweeps,r_left,err_left,r_right,err_right,r_bottom,err_bottom\n";
      if (c) csv += c.points.map((q) => q.join(",")).join("\n") + "\n";
      return saveText(csv, `${stem}.csv`, "text/csv");
    }
    if (kind === "png") return savePng($("ch-lattice"), `${stem}.png`, $("ch-overlay"));
    if (kind === "svg") { const p = svgPainter(460, 250); plot(p, curvesSpec(f)); return saveText(p.svg(), `${stem}.svg`, "image/svg+xml"); }
  } else if (view === "hysteresis") {
    const h = f.hysteresis;
    if (kind === "csv") {
      let csv = "loop,h,m,error\n";
      if (h.mean) csv += h.mean.map((q) => `mean,${q.join(",")}`).join("\n") + "\n";
      csv += h.points.map((q) => `current,${q[0]},${q[1]},`).join("\n") + "\n";
      return saveText(csv, `${stem}.csv`, "text/csv");
    }
    if (kind === "png") return savePng($("hy-loop"), `${stem}.png`);
    if (kind === "svg") { const p = svgPainter(460, 320); plot(p, loopSpec(f)); return saveText(p.svg(), `${stem}.svg`, "image/svg+xml"); }
  }
}

// ---------------------------------------------------------------- copy as command

function commandFor(view) {
  const f = lab.last && (lab.last.view || "lattice") === view ? lab.last : null;
  if (view === "chambers") {
    const beta = Number($("ch-beta").value).toFixed(3), algo = $("ch-algo").value;
    const sweeps = Math.max(100000, f ? f.chambers.samples : 0);
    const walls = f ? f.chambers.walls_merged : [lab.info ? lab.info.chambers.wall : "x=40,y=0:53"];
    const preset = walls.length === 1 && walls[0] === "x=40,y=0:53";
    const geo = preset ? "--preset chambers"
      : `--lattice square --L 80 --boundary open ${walls.map((w) => `--wall ${w}`).join(" ")} ` +
        "--region left=0,0,40,53 --region right=40,0,40,53 --region bottom=0,53,80,27";
    const run = `--beta ${beta} --algo ${algo} --sweeps ${sweeps} --seed 1`;
    const r = f && f.chambers.curves ? f.chambers.curves.rect : null;
    const lines = [];
    if (r) lines.push(`spinlab probe ${geo} ${run} --probe ${r[0]},${r[1]},${r[2] - r[0]},${r[3] - r[1]} --observe left,right,bottom --trace corr.csv`);
    lines.push(`spinlab spectroscopy ${geo} ${run} --block 4 --observe left,right,bottom --plot map.svg`);
    lines.push(`spinlab walls ${geo} ${run} --plot walls.svg`);
    return lines.join("\n");
  }
  if (view === "hysteresis") {
    const L = Number($("hy-size").value) || 128;
    return `spinlab hysteresis --lattice square --L ${L} --beta ${Number($("hy-beta").value).toFixed(3)} ` +
           `--H ${Number($("hy-H").value)} --steps ${Number($("hy-steps").value)} --sweeps-per-step ${Number($("hy-spf").value)} ` +
           `--repeats 8 --algo ${$("hy-algo").value} --seed 1 --plot loop.svg`;
  }
  const L = Number($("size").value) || 256;
  const start = lab.config ? lab.config.start : "hot";
  const beta = Number($("beta").value).toFixed(3), algo = $("algo").value;
  const lines = [`spinlab simulate --lattice square --L ${L} --beta ${beta} --algo ${algo} ` +
                 `--init ${start === "cold" ? "down" : "hot"} --therm 1000 --sweeps 10000 ` +
                 `--measure-every ${Math.max(1, Number($("spf").value) || 1)} --seed 1`];
  const p = f ? f.probe : null;
  if (p) {
    const r = p.rect;
    // spinlab probe measures Cov[M_R, M] at h = 0; --check-fd H adds the probe's field +-H.
    lines.push(`spinlab probe --lattice square --L ${L} --beta ${beta} --algo ${algo} --probe ${r[0]},${r[1]},${r[2] - r[0]},${r[3] - r[1]} ` +
               `--observe M --sweeps 100000 --seed 1${p.h !== 0 ? ` --check-fd ${Math.abs(p.h)}` : ""}`);
  }
  return lines.join("\n");
}

function updateCommands() {
  $("command").textContent = commandFor("lattice");
  $("ch-command").textContent = commandFor("chambers");
  $("hy-command").textContent = commandFor("hysteresis");
}

// ---------------------------------------------------------------- lattice view

function traceSpecs(f) {
  // Onsager's values hold for the periodic lattice without a field: hidden while the probe's field is on.
  const field = f.probe && f.probe.h !== 0;
  const n = Math.max(1, lab.trace.length - 1);
  const mk = (key, avg, exact, label, color, lo, hi, y0) => ({
    offset: y0, xlabel: "", ylabel: label, x: [0, TRACE_POINTS - 1], y: [lo, hi], yticks: [lo, hi],
    series: [
      ...(exact !== null && !field ? [{ points: [[0, exact], [TRACE_POINTS - 1, exact]], color: "#009E73", dash: [5, 4] }] : []),
      ...(avg ? [{ points: [[0, avg.mean, avg.error], [TRACE_POINTS - 1, avg.mean, avg.error]], color: "rgba(204,121,167,0.9)", band: "rgba(204,121,167,0.35)", width: 1 }] : []),
      { points: lab.trace.map((t, i) => [i + (TRACE_POINTS - 1 - n), t[key]]), color },
    ],
  });
  return [mk("e", f.avg.e, f.exact ? f.exact.e : null, "E/N", "#000", -2, 0),
          mk("m", f.avg.abs_m, f.exact ? f.exact.abs_m : null, "|M|/N", "#0072B2", 0, 1)];
}

// Two panels, E/N above |M|/N, through a painter shifted per panel.
function drawTraces(p, f) {
  const half = p.H / 2;
  traceSpecs(f).forEach((s, k) => {
    const shifted = {
      W: p.W, H: half,
      line: (pts, ...a) => p.line(pts.map(([x, y]) => [x, y + k * half]), ...a),
      poly: (pts, ...a) => p.poly(pts.map(([x, y]) => [x, y + k * half]), ...a),
      rect: (x, y, ...a) => p.rect(x, y + k * half, ...a),
      text: (x, y, ...a) => p.text(x, y + k * half, ...a),
    };
    plot(shifted, s);
  });
  if (!(f.probe && f.probe.h !== 0) && f.exact) p.text(p.W - 80, p.H - 4, "– – Onsager", "#009E73");
}

// Probe view: the rectangle (Okabe-Ito yellow border) on the overlay, its numbers in the table.
let dragging = null;  // {x0, y0, x1, y1} in lattice cells while the mouse is down
function drawRect(ov, L, rect) {
  const ctx = ov.getContext("2d"), s = ov.width / L;
  ctx.strokeStyle = "#F0E442"; ctx.lineWidth = 3;
  ctx.strokeRect(rect[0] * s + 1.5, rect[1] * s + 1.5, (rect[2] - rect[0]) * s - 3, (rect[3] - rect[1]) * s - 3);
  ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
  ctx.strokeRect(rect[0] * s, rect[1] * s, (rect[2] - rect[0]) * s, (rect[3] - rect[1]) * s);
}
const dragRect = (d) => [Math.min(d.x0, d.x1), Math.min(d.y0, d.y1), Math.max(d.x0, d.x1) + 1, Math.max(d.y0, d.y1) + 1];

function drawProbe(f) {
  const ov = $("overlay");
  ov.getContext("2d").clearRect(0, 0, ov.width, ov.height);
  const rect = dragging && dragging.view === "lattice" ? dragRect(dragging) : (f.probe ? f.probe.rect : null);
  if (rect) drawRect(ov, f.L, rect);
  const p = f.probe;
  $("p-rect").textContent = p ? `[${p.rect[0]}, ${p.rect[2]}) × [${p.rect[1]}, ${p.rect[3]}), h = ${p.h}` : "none";
  $("p-now").textContent = p ? fmt(p.m_rect) : "–";
  $("p-mean").textContent = p ? fmtEst(p.stats && p.stats.m_rect) : "–";
  $("p-cov").textContent = p ? fmtEst(p.stats && p.stats.cov) : "–";
}

function drawLatticeView(f) {
  drawSpins($("lattice"), f);
  const field = f.probe && f.probe.h !== 0;
  $("e-now").textContent = fmt(f.e);
  $("m-now").textContent = fmt(f.abs_m);
  $("e-avg").textContent = fmtEst(f.avg.e);
  $("m-avg").textContent = fmtEst(f.avg.abs_m);
  $("e-exact").textContent = field ? "(field on)" : fmt(f.exact.e);
  $("m-exact").textContent = field ? "(field on)" : fmt(f.exact.abs_m);
  drawTraces(canvasPainter($("trace")), f);
  drawProbe(f);
  $("meta").textContent = meta(f);
}

// Cell (continuous lattice coordinates when exact) under the mouse on an overlay.
function cellAt(ov, ev, L, exact = false) {
  const b = ov.getBoundingClientRect();
  const u = ((ev.clientX - b.left) / b.width) * L, v = ((ev.clientY - b.top) / b.height) * L;
  if (exact) return [Math.min(L, Math.max(0, u)), Math.min(L, Math.max(0, v))];
  return [Math.min(L - 1, Math.max(0, Math.floor(u))), Math.min(L - 1, Math.max(0, Math.floor(v)))];
}

function setupLattice() {
  const ov = $("overlay");
  ov.addEventListener("mousedown", (ev) => {
    const [x, y] = cellAt(ov, ev, lab.last ? lab.last.L : 1);
    dragging = { view: "lattice", x0: x, y0: y, x1: x, y1: y };
  });
  $("h").oninput = () => { $("h-value").textContent = Number($("h").value).toFixed(1); sendH(); };
  const sendH = debounce(() => send({ cmd: "probe", h: Number($("h").value) }), 60);
  $("h-zero").onclick = () => { $("h").value = 0; $("h-value").textContent = "0.0"; send({ cmd: "probe", h: 0 }); };
  $("clear-probe").onclick = () => send({ cmd: "probe", rect: null });
  $("hot").onclick = () => { if (lab.config) lab.config.start = "hot"; send({ cmd: "start", state: "hot" }); updateCommands(); };
  $("cold").onclick = () => { if (lab.config) lab.config.start = "cold"; send({ cmd: "start", state: "cold" }); updateCommands(); };
  $("step").onclick = () => { lab.paused = true; $("pause").textContent = "Resume"; send({ cmd: "step" }); };
  betaSlider("beta", "beta-value", "phase");
  $("algo").onchange = () => { updateCommands(); send({ cmd: "set", algo: $("algo").value }); };
  spfInput("spf");
  $("size").onchange = () => createSim();
}

// ---------------------------------------------------------------- chambers view

const CH_L = 80;
function drawBond(ctx, s, b) {
  const [x, y, d] = b;
  ctx.beginPath();
  if (d === 0) { ctx.moveTo((x + 1) * s, y * s); ctx.lineTo((x + 1) * s, (y + 1) * s); }
  else { ctx.moveTo(x * s, (y + 1) * s); ctx.lineTo((x + 1) * s, (y + 1) * s); }
  ctx.stroke();
}

function drawChambersOverlay(f) {
  const ov = $("ch-overlay"), ctx = ov.getContext("2d"), s = ov.width / CH_L;
  ctx.clearRect(0, 0, ov.width, ov.height);
  const inf = f.chambers.inference;
  if (inf && inf.missing) {
    // Inferred missing bonds: wide green marks, opacity = confidence (undecided: dashed).
    ctx.lineWidth = 7; ctx.lineCap = "butt";
    for (const [x, y, d, conf, decided] of inf.missing) {
      ctx.strokeStyle = `rgba(0,158,115,${(0.25 + 0.75 * Math.max(0, (conf - 0.5) * 2)).toFixed(2)})`;
      ctx.setLineDash(decided ? [] : [2, 2]);
      drawBond(ctx, s, [x, y, d]);
    }
    ctx.setLineDash([]);
  }
  ctx.strokeStyle = "#000"; ctx.lineWidth = 2.5; ctx.lineCap = "round";
  for (const b of f.chambers.walls) drawBond(ctx, s, b);
  ctx.lineCap = "butt";
  if (chDrag && chDrag.mode === "wall") {
    const cut = wallCut(chDrag);
    ctx.strokeStyle = "#CC79A7"; ctx.lineWidth = 3;
    for (const b of cut.bonds) drawBond(ctx, s, b);
  }
  const rect = chDrag && chDrag.mode === "probe" ? dragRect(chDrag) : (f.chambers.curves ? f.chambers.curves.rect : null);
  if (rect) drawRect(ov, CH_L, rect);
}

// Bonds a wall-mode drag cuts: snapped to the grid line nearest its start, along its longer
// direction; a click (no drag) picks the single nearest bond.
function wallCut(d) {
  const du = d.u1 - d.u0, dv = d.v1 - d.v0;
  const bonds = [];
  if (Math.hypot(du, dv) < 0.4) {
    const fx = d.u0 - Math.floor(d.u0), fy = d.v0 - Math.floor(d.v0);
    if (Math.min(fx, 1 - fx) < Math.min(fy, 1 - fy)) {
      const X = Math.round(d.u0), y = Math.min(CH_L - 1, Math.floor(d.v0));
      if (X >= 1 && X <= CH_L - 1) bonds.push([X - 1, y, 0]);
    } else {
      const Y = Math.round(d.v0), x = Math.min(CH_L - 1, Math.floor(d.u0));
      if (Y >= 1 && Y <= CH_L - 1) bonds.push([x, Y - 1, 1]);
    }
    return { click: true, bonds };
  }
  if (Math.abs(du) < Math.abs(dv)) {
    const X = Math.round(d.u0);
    if (X >= 1 && X <= CH_L - 1)
      for (let y = Math.floor(Math.min(d.v0, d.v1)); y < Math.min(CH_L, Math.ceil(Math.max(d.v0, d.v1))); y++) bonds.push([X - 1, y, 0]);
  } else {
    const Y = Math.round(d.v0);
    if (Y >= 1 && Y <= CH_L - 1)
      for (let x = Math.floor(Math.min(d.u0, d.u1)); x < Math.min(CH_L, Math.ceil(Math.max(d.u0, d.u1))); x++) bonds.push([x, Y - 1, 1]);
  }
  return { click: false, bonds };
}

function curvesSpec(f) {
  const c = f.chambers.curves;
  const pts = c ? c.points : [];
  const tmax = Math.max(1e4, pts.length ? pts[pts.length - 1][0] * 1.5 : 0);
  const series = [0, 1, 2].map((k) => ({
    points: pts.map((q) => [q[0], q[1 + 2 * k], q[2 + 2 * k]]), color: CHAMBER_COLORS[k],
    band: ["rgba(0,114,178,0.25)", "rgba(213,94,0,0.25)", "rgba(0,158,115,0.25)"][k],
  }));
  // The 1/sqrt(t) guide: the left curve's error at its first point, carried as err0 sqrt(t0 / t).
  if (pts.length) {
    const [t0, e0] = [pts[0][0], pts[0][2]], g = [];
    for (let t = t0; t <= tmax; t *= 1.5) g.push([t, e0 * Math.sqrt(t0 / t)]);
    series.push({ points: g, color: "#777", dash: [4, 3], width: 1 });
  }
  return {
    xlabel: "sweeps since the probe was drawn", ylabel: "Pearson corr(M_probe, M_chamber)", xlog: true,
    x: [10, tmax], y: [-0.2, 1], yticks: [-0.2, 0, 0.5, 1], zero: true, series,
    legend: [["left", CHAMBER_COLORS[0]], ["right", CHAMBER_COLORS[1]], ["bottom", CHAMBER_COLORS[2]],
             ["∝ 1/√t (error scale)", "#777", [4, 3]]],
  };
}

function drawMap(f) {
  const c = $("ch-map"), ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.font = "12px system-ui, sans-serif";
  const m = f.chambers.map;
  const size = 150, gap = 16, top = 20;
  for (let k = 0; k < 3; k++) {
    const x0 = 8 + k * (size + gap);
    ctx.fillStyle = CHAMBER_COLORS[k];
    ctx.fillText(`corr with ${CHAMBER_NAMES[k]}`, x0, 14);
    ctx.strokeStyle = "#bbb"; ctx.strokeRect(x0 - 0.5, top - 0.5, size + 1, size + 1);
    if (!m) continue;
    const cell = size / m.nx;
    for (let b = 0; b < m.pearson.length; b++) {
      const r = m.pearson[b][k], bx = b % m.nx, by = Math.floor(b / m.nx);
      // white (0) -> the chamber's colour (1); negative values grey
      const w = Math.max(0, Math.min(1, r));
      const rgb = hexRgb(CHAMBER_COLORS[k]).map((v) => Math.round(255 - w * (255 - v)));
      ctx.fillStyle = r < 0 ? `rgb(${200 + 55 * (1 + r)},${200 + 55 * (1 + r)},${200 + 55 * (1 + r)})` : `rgb(${rgb.join(",")})`;
      ctx.fillRect(x0 + bx * cell, top + by * cell, Math.ceil(cell), Math.ceil(cell));
    }
  }
  ctx.fillStyle = "#444";
  ctx.fillText(m ? `4 × 4 blocks, ${m.samples} sweeps (Pearson r: white 0 → colour 1)` : "map: collecting…", 8, top + size + 18);
}
const hexRgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

function drawChambers(f) {
  drawSpins($("ch-lattice"), f);
  drawChambersOverlay(f);
  const c = f.chambers;
  const now = c.curves ? c.curves.now : null;
  for (let k = 0; k < 3; k++) $(`ch-r${k}`).textContent = c.curves ? fmtEst(now && now[k], "(collecting)") : "(draw a probe)";
  plot(canvasPainter($("ch-curves")), curvesSpec(f));
  drawMap(f);
  const inf = c.inference;
  let text = `walls: ${c.walls_merged.join("; ") || "none"}`;
  if (c.inferring) text += " · inferring…";
  if (inf && inf.needs) text += ` · inference needs ${inf.needs} sweeps (have ${inf.samples})`;
  else if (inf && inf.error) text += ` · inference failed: ${inf.error}`;
  else if (inf) text += ` · inferred (${inf.samples} sweeps): ${inf.walls.join("; ") || "none"} — ` +
    `${inf.true_positives} of ${inf.true_positives + inf.false_negatives} true missing bonds found, ${inf.false_positives} false, ` +
    `${inf.undecided} bonds undecided (within 3σ of the threshold ${inf.threshold.toFixed(3)})`;
  $("ch-infer-text").textContent = text;
  $("ch-meta").textContent = meta(f);
}

let chDrag = null;
function setupChambers() {
  const ov = $("ch-overlay");
  const mode = () => document.querySelector('input[name="ch-mode"]:checked').value;
  ov.addEventListener("mousedown", (ev) => {
    const [u, v] = cellAt(ov, ev, CH_L, true), [x, y] = cellAt(ov, ev, CH_L);
    chDrag = { view: "chambers", mode: mode(), u0: u, v0: v, u1: u, v1: v, x0: x, y0: y, x1: x, y1: y };
  });
  window.addEventListener("mousemove", (ev) => {
    if (!chDrag) return;
    [chDrag.u1, chDrag.v1] = cellAt(ov, ev, CH_L, true);
    [chDrag.x1, chDrag.y1] = cellAt(ov, ev, CH_L);
    if (lab.last && lab.last.view === "chambers") drawChambersOverlay(lab.last);
  });
  window.addEventListener("mouseup", () => {
    if (!chDrag) return;
    const d = chDrag;
    chDrag = null;
    if (d.mode === "probe") return send({ cmd: "probe", rect: dragRect(d) });
    const cut = wallCut(d);
    if (!cut.bonds.length) return;
    if (cut.click && lab.last && lab.last.chambers) {
      const [b] = cut.bonds;
      const present = !lab.last.chambers.walls.some((w) => w[0] === b[0] && w[1] === b[1] && w[2] === b[2]);
      return send({ cmd: "bonds", [present ? "remove" : "restore"]: cut.bonds });
    }
    send({ cmd: "bonds", remove: cut.bonds });
  });
  $("ch-infer").onclick = () => send({ cmd: "infer" });
  $("ch-auto").onchange = () => send({ cmd: "infer", auto: $("ch-auto").checked });
  $("ch-reset-walls").onclick = () => send({ cmd: "bonds", reset: true });
  $("ch-clear-probe").onclick = () => send({ cmd: "probe", rect: null });
  $("ch-hot").onclick = () => send({ cmd: "start", state: "hot" });
  $("ch-cold").onclick = () => send({ cmd: "start", state: "cold" });
  betaSlider("ch-beta", "ch-beta-value", "ch-phase");
  $("ch-algo").onchange = () => { updateCommands(); send({ cmd: "set", algo: $("ch-algo").value }); };
  spfInput("ch-spf");
}

// ---------------------------------------------------------------- hysteresis view

function loopSpec(f) {
  const h = f.hysteresis, H = h.H;
  const series = [];
  if (h.mean) series.push({ points: h.mean, color: "#999", band: "rgba(150,150,150,0.3)", width: 1 });
  series.push({ points: h.points, color: "#0072B2", width: 2 });
  return {
    xlabel: "field h", ylabel: "m = M/N", x: [-H, H], y: [-1, 1], xticks: [-H, 0, H], yticks: [-1, 0, 1],
    zero: true, xzero: true, series,
    legend: [["current loop", "#0072B2"], [`mean of ${Math.min(h.loops, 64)} loops ± error`, "#999"]],
  };
}

function drawHysteresis(f) {
  drawSpins($("hy-lattice"), f);
  const h = f.hysteresis;
  plot(canvasPainter($("hy-loop")), loopSpec(f));
  $("hy-h").textContent = fmt(h.h, 3);
  $("hy-m").textContent = fmt(f.m, 4);
  $("hy-loops").textContent = String(h.loops);
  $("hy-area").textContent = fmtEst(h.area, "(after 2 loops)");
  $("hy-cu").textContent = fmtEst(h.coercive_up, "–");
  $("hy-cd").textContent = fmtEst(h.coercive_down, "–");
  const rate = (2 * h.H) / ((h.steps - 1) * f.sweeps_per_frame);
  $("hy-rate").textContent = `rate |dh/dt| = ${rate.toPrecision(3)} per sweep · branch ${h.branch}`;
  $("hy-meta").textContent = meta(f);
}

function setupHysteresis() {
  for (const L of lab.info.sizes.filter((L) => L <= lab.info.max_hysteresis_L)) {
    const o = document.createElement("option");
    o.value = L; o.textContent = `${L}²`;
    if (L === 128) o.selected = true;
    $("hy-size").appendChild(o);
  }
  betaSlider("hy-beta", "hy-beta-value", "hy-phase");
  $("hy-algo").onchange = () => { updateCommands(); send({ cmd: "set", algo: $("hy-algo").value }); };
  spfInput("hy-spf");
  const loopChange = () => {
    const H = Math.min(10, Math.max(0.1, Number($("hy-H").value) || 1));
    const steps = Math.min(400, Math.max(3, Math.round(Number($("hy-steps").value) || 40)));
    $("hy-H").value = H; $("hy-steps").value = steps;
    updateCommands();
    send({ cmd: "hysteresis", H, steps });
  };
  $("hy-H").onchange = loopChange;
  $("hy-steps").onchange = loopChange;
  $("hy-size").onchange = () => createSim();
  $("hy-restart").onclick = () => send({ cmd: "start", state: "cold" });
}

// ---------------------------------------------------------------- shared controls

function betaSlider(id, valueId, phaseId) {
  const show = () => {
    const b = Number($(id).value);
    $(valueId).textContent = b.toFixed(3);
    $(phaseId).textContent = phaseName(b);
    updateCommands();
  };
  const sendBeta = debounce(() => send({ cmd: "set", beta: Number($(id).value) }), 60);
  $(id).oninput = () => { show(); sendBeta(); };
  show();
}

function spfInput(id) {
  $(id).onchange = () => {
    const v = Math.round(Number($(id).value));
    const max = Number($(id).max) || 1000;
    $(id).value = Math.min(Math.max(1, v || 1), max);
    updateCommands();
    send({ cmd: "set", sweeps_per_frame: Number($(id).value) });
  };
}

function switchView(view) {
  if (view === lab.view && lab.id) return;
  lab.view = view;
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.view === view));
  for (const s of document.querySelectorAll("section.view")) s.hidden = s.id !== `${view}-view`;
  createSim();
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
  $("beta-c-mark").style.left = `${(100 * (lab.info.beta_c - 0.1)) / 0.9}%`;
  // mouseup/mousemove for the lattice view's probe drag
  window.addEventListener("mousemove", (ev) => {
    if (!dragging) return;
    [dragging.x1, dragging.y1] = cellAt($("overlay"), ev, lab.last ? lab.last.L : 1);
    if (lab.last && (lab.last.view || "lattice") === "lattice") drawProbe(lab.last);
  });
  window.addEventListener("mouseup", () => {
    if (!dragging) return;
    const rect = dragRect(dragging);
    dragging = null;
    send({ cmd: "probe", rect, h: Number($("h").value) });
  });
  for (const [btn, view] of [["pause", "lattice"], ["ch-pause", "chambers"], ["hy-pause", "hysteresis"]])
    $(btn).onclick = () => {
      lab.paused = !lab.paused;
      $(btn).textContent = lab.paused ? "Resume" : "Pause";
      send({ cmd: lab.paused ? "pause" : "resume" });
    };
  for (const b of document.querySelectorAll("[data-copy]"))
    b.onclick = async () => {
      const text = $(b.dataset.copy).textContent;
      try { await navigator.clipboard.writeText(text); setStatus("command copied"); }
      catch { setStatus("select the command and copy it by hand"); }
    };
  for (const row of document.querySelectorAll(".downloads"))
    for (const b of row.querySelectorAll("button")) b.onclick = () => download(row.dataset.view, b.dataset.dl);
  for (const b of document.querySelectorAll("#tabs button")) b.onclick = () => switchView(b.dataset.view);
  window.addEventListener("pagehide", closeSim);
  setupLattice();
  setupChambers();
  setupHysteresis();
  updateCommands();
  await createSim();
}

main();
