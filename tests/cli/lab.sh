#!/usr/bin/env bash
# `spinlab lab`: bad flags (exit 2, one line), then the real server on a free loopback port:
# hostile requests get JSON errors and never wedge it, 100 concurrent clients (creates that hold
# frame streams, info requests, extra streams) are served or cleanly refused, frames stream, and
# SIGTERM, then SIGINT (Ctrl-C) on a second server, with an open frame stream exit 0 promptly.
set -u
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. "$2/tests/lib/expect_error.sh"

expect_error "--port" lab --no-browser --port 70000
expect_error "--max-size" lab --no-browser --max-size 10
expect_error "--max-sims" lab --no-browser --max-sims 0
expect_error "--web-dir" lab --no-browser --port 0 --web-dir "$tmp/nowhere"

/usr/bin/python3 - "$bin" <<'PY' || fail=1
import http.client, json, signal, subprocess, sys, threading, time

proc = subprocess.Popen([sys.argv[1], "lab", "--no-browser", "--port", "0", "--max-sims", "4",
                         "--max-size", "256"], stdout=subprocess.PIPE, text=True)
line = proc.stdout.readline()
port = int(line.split("127.0.0.1:")[1].split("/")[0])
ok = True

def req(method, path, body=None, raw=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    data = raw if raw is not None else (None if body is None else json.dumps(body))
    c.request(method, path, body=data, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    text = r.read().decode()
    c.close()
    return r.status, text

def check(what, got_status, text, want_status, want_text=None):
    global ok
    good = got_status == want_status and (want_text is None or want_text in text)
    if good:
        try:
            json.loads(text)
        except ValueError:
            good = False
    print(("ok: " if good else "FAIL: ") + f"{what} -> {got_status} {text[:120]}")
    ok = ok and good

try:
    check("info", *req("GET", "/api/info"), 200, "beta_c")
    check("not JSON", *req("POST", "/api/sim", raw="{L:"), 400, "not valid JSON")
    check("NaN beta", *req("POST", "/api/sim", raw='{"beta": NaN}'), 400)
    check("huge number", *req("POST", "/api/sim", raw='{"beta": 1e999}'), 400)
    check("size over --max-size", *req("POST", "/api/sim", {"L": 1024}), 400, "--max-size")
    check("oversized body", *req("POST", "/api/sim", raw='{"x":"' + "y" * 10000 + '"}'), 413)
    check("unknown route", *req("GET", "/etc/passwd"), 404)
    check("unknown sim", *req("POST", "/api/sim/00ff/command", {"cmd": "pause"}), 404)
    check("exact", *req("GET", "/api/exact?beta=0.5"), 200, "abs_m")
    check("exact bad", *req("GET", "/api/exact?beta=inf"), 400)
    # The load test: 100 concurrent clients on loopback against a cap of 4 simulations (one made
    # before the burst): 60 create a simulation and, when served, hold its frame stream open
    # until the burst ends; 20 ask for /api/info; 20 open a stream on the first simulation (two
    # streams per simulation: the rest get 409). Everyone is served or cleanly refused (JSON
    # error), within 20 s.
    first = json.loads(req("POST", "/api/sim", {"L": 64})[1])["id"]
    results = {"create": [], "info": [], "stream": []}
    errors, created = [], []
    burst_over = threading.Event()
    lock = threading.Lock()
    def first_frame(path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path)
        r = c.getresponse()
        if r.status != 200:
            return c, r.status, r.read().decode()
        got = b""
        while b"\n\n" not in got:
            chunk = r.read1(65536)
            if not chunk:
                break
            got += chunk
        return c, 200, got.decode()
    def client(k):
        try:
            if k < 60:
                s, text = req("POST", "/api/sim", {"L": 64})
                json.loads(text)
                if s != 200:
                    with lock: results["create"].append((s, None))
                    return
                with lock: created.append(json.loads(text)["id"])
                c, fs, data = first_frame(f"/api/sim/{json.loads(text)['id']}/frames")
                with lock: results["create"].append((s, fs == 200 and "event: frame" in data))
                burst_over.wait(20)  # the stream stays open through the burst
                c.close()
            elif k < 80:
                s, text = req("GET", "/api/info")
                json.loads(text)
                with lock: results["info"].append(s)
            else:
                c, s, data = first_frame(f"/api/sim/{first}/frames")
                if s != 200:
                    json.loads(data)
                with lock: results["stream"].append(s)
                if s == 200:
                    burst_over.wait(20)
                c.close()
        except Exception as e:  # a timeout, a reset, a non-JSON error: the test fails
            with lock: errors.append(f"client {k}: {e!r}")
    t0 = time.time()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(100)]
    for t in threads: t.start()
    deadline = t0 + 20
    while time.time() < deadline and sum(len(v) for v in results.values()) + len(errors) < 100:
        time.sleep(0.05)
    served = time.time() - t0
    burst_over.set()
    for t in threads: t.join(timeout=15)
    codes = sorted(s for s, _ in results["create"])
    good = (not errors and codes.count(200) == 3 and codes.count(503) == 57
            and all(f for s, f in results["create"] if s == 200)
            and results["info"].count(200) == 20
            and sorted(results["stream"]) == [200] * 2 + [409] * 18 and served < 20)
    print(("ok: " if good else "FAIL: ") + f"100 concurrent clients in {served:.1f} s: creates {codes.count(200)} x 200 "
          f"(each streamed a frame), {codes.count(503)} x 503; info {results['info'].count(200)} x 200; streams on one "
          f"simulation {sorted(results['stream']).count(200)} x 200, {sorted(results['stream']).count(409)} x 409; errors {errors[:3]}")
    ok = ok and good
    check("info after the burst", *req("GET", "/api/info"), 200, '"simulations":4')
    ids = [first] + created
    check("bad command", *req("POST", f"/api/sim/{ids[0]}/command", {"cmd": "fly"}), 400, "cmd")
    check("wrong type", *req("POST", f"/api/sim/{ids[0]}/command", {"cmd": "set", "beta": "x"}), 400, "beta")
    check("set", *req("POST", f"/api/sim/{ids[0]}/command", {"cmd": "set", "beta": 0.5}), 200)
    for i in ids[1:]:
        check("close", *req("POST", f"/api/sim/{i}/close", raw=""), 200)
    # A frame stream stays open while the server is told to stop.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", f"/api/sim/{ids[0]}/frames")
    r = c.getresponse()
    got = b""
    while b"\n\n" not in got:
        got += r.read1(65536)
    frame = json.loads(got.split(b"data: ", 1)[1].split(b"\n", 1)[0])
    good = frame["L"] == 64 and len(frame["spins"]) == 4 * ((64 * 64 // 8 + 2) // 3)
    print(("ok: " if good else "FAIL: ") + f"frame over SSE: seq {frame['seq']}, beta {frame['beta']}")
    ok = ok and good
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=10)
    good = rc == 0 and time.time() - t0 < 5
    print(("ok: " if good else "FAIL: ") + f"SIGTERM with an open stream -> exit {rc} after {time.time() - t0:.1f} s")
    ok = ok and good
    # Ctrl-C: SIGINT with an open frame stream on a chambers simulation.
    proc2 = subprocess.Popen([sys.argv[1], "lab", "--no-browser", "--port", "0"], stdout=subprocess.PIPE, text=True)
    port = int(proc2.stdout.readline().split("127.0.0.1:")[1].split("/")[0])
    sid = json.loads(req("POST", "/api/sim", {"view": "chambers"})[1])["id"]
    c, s, data = first_frame(f"/api/sim/{sid}/frames")
    t0 = time.time()
    proc2.send_signal(signal.SIGINT)
    rc = proc2.wait(timeout=10)
    good = s == 200 and '"view":"chambers"' in data and rc == 0 and time.time() - t0 < 5
    print(("ok: " if good else "FAIL: ") + f"SIGINT with an open chambers stream -> exit {rc} after {time.time() - t0:.1f} s")
    ok = ok and good
finally:
    for p in [proc] + ([proc2] if "proc2" in globals() else []):
        if p.poll() is None:
            p.kill()
            p.wait()
sys.exit(0 if ok else 1)
PY
exit $fail
