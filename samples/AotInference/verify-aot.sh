#!/usr/bin/env bash
# Verifies that the Native AOT build of samples/AotInference computes what the JIT build computes.
#
#   1. runs the sample on the JIT (dotnet run -c Release) with a fixed text;
#   2. publishes it with Native AOT and trimming (every trim/AOT warning is an error);
#   3. runs the native binary with the same text;
#   4. compares both outputs number by number (tolerance 1e-6) and line by line;
#   5. prints the binary size, the publish time and the native start-up + run time.
#
# Needs only the .NET 10 SDK and gcc (the AOT linker; clang is used instead if it is on PATH).
# Usage: samples/AotInference/verify-aot.sh   (environment: RUNS=N timed runs, default 10;
#                                               TOLERANCE=X largest difference allowed, default 1e-6)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

readonly PROJECT=samples/AotInference
readonly TEXT="Shall I compare thee to a summer's day? Thou art more lovely and more temperate: rough winds do shake the darling buds of may, and summer's lease hath all too short a date;"
readonly TOLERANCE="${TOLERANCE:-1e-6}"
readonly RUNS="${RUNS:-10}"

work="$(mktemp -d "${TMPDIR:-/tmp}/aotinference.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "verify-aot: FAILED: $*" >&2
    exit 1
}

now_ns() { date +%s%N; }

echo "== 1/4 JIT: dotnet run -c Release --project $PROJECT"
# Built first, on its own: restore and build messages (such as NuGet warnings of other projects)
# go to the log, and the program's standard output holds only its results.
dotnet build "$PROJECT" -c Release >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log" >&2; fail "dotnet build failed (log above)"; }
dotnet run -c Release --no-build --project "$PROJECT" -- "$TEXT" >"$work/jit.txt" 2>"$work/jit.err" ||
    { cat "$work/jit.err" >&2; fail "the JIT run failed"; }
cat "$work/jit.txt"

echo
echo "== 2/4 AOT: dotnet publish $PROJECT -c Release -r linux-x64"
aot_start=$(now_ns)
publish_start=$(now_ns)
dotnet publish "$PROJECT" -c Release -r linux-x64 -o "$work/publish" >"$work/publish.log" 2>&1 ||
    { tail -n 40 "$work/publish.log" >&2; fail "dotnet publish failed (log above)"; }
publish_ns=$(( $(now_ns) - publish_start ))
binary="$work/publish/AotInference"
[ -x "$binary" ] || fail "no native binary at $binary"
if ls "$work/publish"/*.dll >/dev/null 2>&1; then
    fail "the publish folder has managed assemblies: not a Native AOT publish"
fi
[ -f "$work/publish/weights/charlm.safetensors" ] || fail "the weights were not published to weights/"
grep -E 'warning (IL|NETSDK)' "$work/publish.log" && fail "the publish produced trim/AOT warnings" || true

echo
echo "== 3/4 AOT: the native binary"
"$binary" "$TEXT" >"$work/aot.txt" 2>"$work/aot.err" ||
    { cat "$work/aot.err" >&2; fail "the native binary failed"; }
cat "$work/aot.txt"

echo
echo "== 4/4 JIT vs AOT, number by number (tolerance $TOLERANCE)"
# Fields that parse as numbers must agree within the tolerance; every other field, and the
# number of lines and of fields on each line, must be identical.
awk -v tol="$TOLERANCE" -v other="$work/aot.txt" '
    function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
    function abs(v) { return v < 0 ? -v : v }
    {
        if ((getline line < other) <= 0) {
            printf "line %d is missing from the AOT output (JIT: %s)\n", NR, $0; bad = 1; exit
        }
        n = split(line, aot, " ")
        if (n != NF) {
            printf "line %d has %d fields on the JIT, %d on AOT:\n  JIT: %s\n  AOT: %s\n", NR, NF, n, $0, line; bad = 1; next
        }
        for (i = 1; i <= NF; i++) {
            if (isnum($i) && isnum(aot[i])) {
                numbers++
                d = abs($i - aot[i])
                if (d > largest) { largest = d; where = sprintf("line %d (%s), field %d: JIT %s, AOT %s", NR, $1, i, $i, aot[i]) }
                if (d > tol) { printf "line %d (%s), field %d differs by %g: JIT %s, AOT %s\n", NR, $1, i, d, $i, aot[i]; bad = 1 }
            } else if ($i != aot[i]) {
                printf "line %d (%s), field %d differs: JIT \"%s\", AOT \"%s\"\n", NR, $1, i, $i, aot[i]; bad = 1
            }
        }
    }
    END {
        if (NR == 0) { print "the JIT output is empty"; bad = 1 }
        else if (!bad && (getline line < other) > 0) { printf "the AOT output has an extra line %d: %s\n", NR + 1, line; bad = 1 }
        printf "compared %d numbers on %d lines; largest difference %g\n", numbers, NR, largest
        if (largest > 0) { print "  at " where }
        exit bad
    }' "$work/jit.txt" || fail "the JIT and AOT outputs differ (see above)"

# Runs a command RUNS times; prints its average start-up + run time: wall clock (date +%s%N) and
# CPU (user + system, from bash's time), which other work on the machine inflates less.
measure() {
    local TIMEFORMAT='%3U %3S' start wall user sys
    start=$(now_ns)
    { time for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>"$work/measure.err"; done; } 2>"$work/measure.time" ||
        { cat "$work/measure.err" >&2; fail "$* failed"; }
    wall=$(( $(now_ns) - start ))
    read -r user sys <"$work/measure.time"
    awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$RUNS" \
        'BEGIN { printf "%.1f ms wall, %.1f ms CPU (average of %d runs)", w / n / 1e6, (u + s) * 1000 / n, n }'
}

native_time=$(measure "$binary" "$TEXT")
aot_ns=$(( $(now_ns) - aot_start ))
jit_time=$(measure dotnet "$PROJECT/bin/Release/net10.0/AotInference.dll" "$TEXT")

size=$(stat -c %s "$binary")
echo
echo "native binary       $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1048576 }') MB)"
echo "publish time        $(awk -v ns="$publish_ns" 'BEGIN { printf "%.1f", ns / 1e9 }') s"
echo "native start+run    $native_time"
echo "JIT start+run       $jit_time, as dotnet AotInference.dll"
echo "AOT step in total   $(awk -v ns="$aot_ns" 'BEGIN { printf "%.1f", ns / 1e9 }') s (publish, run, compare, timed runs)"
echo "verify-aot: OK"
