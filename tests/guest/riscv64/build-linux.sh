#!/bin/bash
# build-linux.sh - the riscv64 Linux test guest, from Debian 12 packages only.
#
#   Image              Linux 6.1 from /usr/src/linux-source-6.1.tar.xz,
#                      allnoconfig + kconfig.fragment, riscv64-linux-gnu-gcc
#   busybox            1.35 from Debian's *source* package, static
#   init               init.c (this folder), static riscv64
#   blkbench           blkbench.c (this folder): O_DIRECT block benchmark, static
#   init-host          the same init.c for the build machine (expected checksum)
#   initramfs.cpio.gz  /init + busybox with its applet links (cpio newc, gzip)
#
# Usage: build-linux.sh [--cached]
#   Prints the output directory (~/.cache/machina/<recipe-hash>) on stdout;
#   progress goes to stderr.  --cached: print it only if already built, else
#   exit 2 without building (for tests that must not spend minutes).
# Env:  MACHINA_CACHE (default ~/.cache/machina), JOBS (default 2)
#
# The output directory is keyed by a hash of the recipe (this script, the
# fragment, init.c, blkbench.c), so it is rebuilt only when the recipe changes.  The
# kernel and busybox build trees live in $MACHINA_CACHE/work and are reused,
# so a changed recipe rebuilds incrementally.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MACHINA_CACHE:-$HOME/.cache/machina}
JOBS=${JOBS:-2}
KSRC_TAR=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
CROSS=riscv64-linux-gnu-
CFLAGS_INIT="-O2 -ffp-contract=off -Wall -Wextra"

die() { echo "build-linux: $*" >&2; exit 1; }
log() { echo "build-linux: $*" >&2; }

HASH=$(cat "$0" "$HERE/kconfig.fragment" "$HERE/init.c" "$HERE/blkbench.c" | sha256sum | cut -c1-16)
OUT=$CACHE/riscv64-linux-$HASH
WORK=$CACHE/work

if [ -f "$OUT/.complete" ]; then
    echo "$OUT"
    exit 0
fi
[ "${1:-}" = --cached ] && exit 2

for t in ${CROSS}gcc gcc make bc flex bison gzip xz tar apt-get dpkg-source sha256sum flock; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (run scripts/deps.sh)"
done
[ -f "$KSRC_TAR" ] || die "$KSRC_TAR not found (apt-get install linux-source-6.1)"

mkdir -p "$CACHE" "$WORK"
# One builder at a time: a second caller waits, then finds the result.
exec 9>"$CACHE/.build-linux.lock"
flock 9
if [ -f "$OUT/.complete" ]; then
    echo "$OUT"
    exit 0
fi
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"

# ---------------------------------------------------------------- kernel
KDIR=$WORK/linux-6.1
KMAKE=(make -C "$KDIR" ARCH=riscv CROSS_COMPILE="$CROSS")
if [ ! -f "$KDIR/Makefile" ]; then
    log "extracting $KSRC_TAR"
    rm -rf "$WORK/linux.extract"
    mkdir -p "$WORK/linux.extract"
    tar -xJf "$KSRC_TAR" -C "$WORK/linux.extract"
    mv "$WORK/linux.extract"/*/ "$KDIR"
    rm -rf "$WORK/linux.extract"
fi
if ! cmp -s "$HERE/kconfig.fragment" "$WORK/kconfig.fragment.applied"; then
    log "configuring the kernel (allnoconfig + kconfig.fragment)"
    KCONFIG_ALLCONFIG="$HERE/kconfig.fragment" "${KMAKE[@]}" -s allnoconfig
    cp "$HERE/kconfig.fragment" "$WORK/kconfig.fragment.applied"
fi
# Kconfig drops what it cannot satisfy without a word: check every line.
bad=0
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    sym=${line%%=*}
    if [ "${line#*=}" = n ]; then
        if grep -q "^$sym=" "$KDIR/.config"; then
            echo "kconfig: $sym should be off" >&2; bad=1
        fi
    elif ! grep -qxF "$line" "$KDIR/.config"; then
        echo "kconfig: wanted $line, got: $(grep "^$sym=\|^# $sym is not set" "$KDIR/.config" || echo nothing)" >&2
        bad=1
    fi
done < "$HERE/kconfig.fragment"
if [ "$bad" != 0 ]; then
    rm -f "$WORK/kconfig.fragment.applied"
    die "kernel configuration check failed"
fi
log "building the kernel Image (make -j$JOBS; several minutes; log: $WORK/kernel-build.log)"
"${KMAKE[@]}" -j"$JOBS" Image > "$WORK/kernel-build.log" 2>&1 ||
    { tail -30 "$WORK/kernel-build.log" >&2; die "kernel build failed"; }
cp "$KDIR/arch/riscv/boot/Image" "$KDIR/.config" "$OUT.tmp/"
mv "$OUT.tmp/.config" "$OUT.tmp/kernel.config"

# --------------------------------------------------------------- busybox
# Debian 12 has no riscv64 binaries, but its source packages build for any
# architecture.  A private apt configuration adds deb-src for the archive
# this machine already uses, without touching the system's sources.
apt_archive() {
    # Print "URI SUITE KEYRING" of the first main-archive entry.
    local codename f
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v cn="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " cn " ") && uris != "")
                    { split(uris, u, " "); print u[1], cn, key; found = 1; exit }
                types = suites = uris = key = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
            /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
            /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); key = $0 }
            END { if (!found) flush() }' "$f"
    done | head -n1 | grep . && return 0
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [opts] URI SUITE COMPONENTS...
        sed -e 's/\[[^]]*\]//' "$f" |
            awk -v cn="$codename" '$1 == "deb" && $3 == cn { print $2, cn, ""; exit }'
    done | head -n1 | grep .
}

BB_SRC=$WORK/busybox-src
if [ ! -f "$BB_SRC/Makefile" ]; then
    read -r uri suite key < <(apt_archive) ||
        die "no Debian archive entry found in /etc/apt/sources.list(.d)"
    log "fetching busybox source from $uri ($suite)"
    APT=$WORK/apt
    rm -rf "$APT" "$WORK/busybox-dl"
    mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$WORK/busybox-dl"
    {
        echo "Types: deb-src"
        echo "URIs: $uri"
        echo "Suites: $suite"
        echo "Components: main"
        [ -n "$key" ] && echo "Signed-By: $key"
    } > "$APT/machina-src.sources"
    APTOPTS=(-o Dir::Etc::SourceList=/dev/null
             -o Dir::Etc::SourceParts="$APT"
             -o Dir::State::Lists="$APT/lists"
             -o Dir::Cache="$APT/cache"
             -o APT::Sandbox::User=root -q)
    apt-get "${APTOPTS[@]}" update >&2 || die "apt-get update (deb-src) failed"
    (cd "$WORK/busybox-dl" && apt-get "${APTOPTS[@]}" source --download-only busybox >&2) ||
        die "apt-get source busybox failed"
    (cd "$WORK/busybox-dl" && dpkg-source -x --no-check ./busybox_*.dsc src >&2) ||
        die "unpacking the busybox source failed"
    rm -rf "$BB_SRC"
    mv "$WORK/busybox-dl/src" "$BB_SRC"
fi
BB_VERSION=$(sed -n 's/^VERSION = //p;s/^PATCHLEVEL = //p' "$BB_SRC/Makefile" | paste -sd.)
case "$BB_VERSION" in 1.35*) ;; *) die "expected busybox 1.35, got $BB_VERSION" ;; esac
BB_OUT=$WORK/busybox-build
# The busybox configuration lives in this script: rebuild when it changes.
BB_STAMP=$(sed -n '/^# -\+ busybox$/,/^# -\+ init$/p' "$0" | sha256sum | cut -c1-16)
if [ ! -x "$BB_OUT/busybox" ] || [ "$(cat "$BB_OUT/.recipe" 2>/dev/null)" != "$BB_STAMP" ]; then
    log "building busybox $BB_VERSION (static, riscv64; log: $WORK/busybox-build.log)"
    rm -rf "$BB_OUT"
    mkdir -p "$BB_OUT"
    BBMAKE=(make -C "$BB_SRC" O="$BB_OUT" CROSS_COMPILE="$CROSS")
    {
        "${BBMAKE[@]}" defconfig
        # Static (no riscv64 libc in the guest); tc does not build against
        # Linux 6.x headers (CBQ was removed), so leave it out.
        sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' \
               -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' \
               -e 's/^CONFIG_FEATURE_TC_INGRESS=y/# CONFIG_FEATURE_TC_INGRESS is not set/' \
               "$BB_OUT/.config"
        yes '' | "${BBMAKE[@]}" oldconfig
        "${BBMAKE[@]}" -j"$JOBS" busybox
    } > "$WORK/busybox-build.log" 2>&1 ||
        { tail -30 "$WORK/busybox-build.log" >&2; rm -f "$BB_OUT/busybox"; die "busybox build failed"; }
    grep -qx 'CONFIG_STATIC=y' "$BB_OUT/.config" || die "busybox: CONFIG_STATIC did not stick"
    "${BBMAKE[@]}" busybox.links >> "$WORK/busybox-build.log" 2>&1 ||
        die "busybox: cannot list applets"
    echo "$BB_STAMP" > "$BB_OUT/.recipe"
fi
cp "$BB_OUT/busybox" "$OUT.tmp/busybox"
cp "$BB_OUT/busybox.links" "$OUT.tmp/busybox.links"

# ------------------------------------------------------------------ init
log "compiling init (riscv64 static, and for this host)"
${CROSS}gcc -static $CFLAGS_INIT -o "$OUT.tmp/init" "$HERE/init.c" -lm
# bench/virtio-blk.py runs it in the guest (fio-like: sequential/random, queue depth).
${CROSS}gcc -static -O2 -Wall -Wextra -pthread -o "$OUT.tmp/blkbench" "$HERE/blkbench.c"
${CROSS}strip "$OUT.tmp/init" "$OUT.tmp/busybox" "$OUT.tmp/blkbench"
gcc $CFLAGS_INIT -o "$OUT.tmp/init-host" "$HERE/init.c" -lm
cp "$HERE/init.c" "$OUT.tmp/init.c"

# ------------------------------------------------------------- initramfs
# gen_init_cpio (kernel tree) writes device nodes and owners without root.
GEN=$WORK/gen_init_cpio
[ -x "$GEN" ] || gcc -O2 -o "$GEN" "$KDIR/usr/gen_init_cpio.c"
touch -d @0 "$OUT.tmp/init" "$OUT.tmp/busybox" "$OUT.tmp/blkbench"   # reproducible archive
{
    echo "dir /dev 0755 0 0"
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
    for d in /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /root /etc; do
        echo "dir $d 0755 0 0"
    done
    echo "dir /tmp 1777 0 0"
    echo "file /init $OUT.tmp/init 0755 0 0"
    echo "file /bin/busybox $OUT.tmp/busybox 0755 0 0"
    echo "file /bin/blkbench $OUT.tmp/blkbench 0755 0 0"
    # busybox.links: one absolute applet path a line (/bin/sh, /sbin/ifconfig)
    while IFS= read -r applet; do
        case "$applet" in /bin/busybox|'') continue ;; esac
        echo "slink $applet /bin/busybox 0777 0 0"
    done < "$OUT.tmp/busybox.links"
} > "$OUT.tmp/initramfs.list"
"$GEN" -t 0 "$OUT.tmp/initramfs.list" | gzip -9n > "$OUT.tmp/initramfs.cpio.gz"

# Self-check: the guest init computes what the host init computes.
if command -v qemu-riscv64 >/dev/null 2>&1; then
    want=$("$OUT.tmp/init-host" test)
    got=$(qemu-riscv64 "$OUT.tmp/init" test)
    [ "$want" = "$got" ] || die "init checksum differs: host '$want', riscv64 '$got'"
fi
"$OUT.tmp/init-host" test | awk '{print $2}' > "$OUT.tmp/expected-checksum"

cat > "$OUT.tmp/README" <<EOF
Built by tests/guest/riscv64/build-linux.sh (recipe hash $HASH).
Boot with QEMU:   qemu-system-riscv64 -M virt -m 256 -nographic -bios default \\
                    -kernel Image -initrd initramfs.cpio.gz \\
                    -append "console=ttyS0 machina.run=shell|test|smp"
Expected "MACHINA-CHECKSUM" for machina.run=test: $(cat "$OUT.tmp/expected-checksum")
EOF
touch "$OUT.tmp/.complete"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
log "done: $OUT"
echo "$OUT"
