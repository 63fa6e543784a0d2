#!/usr/bin/env bash
# `spinlab lab`: bad flags (exit 2, one line), then the real server on a free loopback port:
# hostile requests get JSON errors and never wedge it, the simulation cap holds under 60
# concurrent creates, frames stream, and SIGTERM with an open frame stream exits 0 promptly.
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
    # 60 concurrent creates against a cap of 4: 4 succeed, the rest get 503 with a message.
    results = []
    def create():
        results.append(req("POST", "/api/sim", {"L": 64}))
    threads = [threading.Thread(target=create) for _ in range(60)]
    for t in threads: t.start()
    for t in threads: t.join()
    codes = sorted(s for s, _ in results)
    good = codes.count(200) == 4 and codes.count(503) == 56
    print(("ok: " if good else "FAIL: ") + f"60 creates, cap 4 -> {codes.count(200)} x 200, {codes.count(503)} x 503")
    ok = ok and good
    ids = [json.loads(t)["id"] for s, t in results if s == 200]
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
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
sys.exit(0 if ok else 1)
PY
exit $fail
