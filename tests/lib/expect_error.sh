# Sourced by the CLI test scripts (tests/cli/*.sh), which set $bin, $tmp and fail=0 first.
# expect_error PATTERN ARGS...: `spinlab ARGS` must exit with code 2 and say PATTERN on stderr
# (one clear line naming the flag or file, never a crash); otherwise fail=1.
expect_error() {
  local pattern="$1"; shift
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q -- "$pattern" "$tmp/err"; then
    echo "FAIL: spinlab $* -> rc=$rc, stderr: $(head -c 300 "$tmp/err")"
    fail=1
  else
    echo "ok: spinlab $* -> $(head -n1 "$tmp/err")"
  fi
}
