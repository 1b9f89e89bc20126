/*
 * The in-guest CPU benchmark of bench/run.sh.
 *
 * Built twice from this one file: statically for riscv64 (run as the
 * guest's init through rdinit=/bench) and for the build host (the
 * "native = 1x" column).  Each part runs a fixed amount of work, timed
 * inside the program with CLOCK_MONOTONIC, and prints
 *
 *   BENCH-PART <name> <nanoseconds> <checksum>
 *
 * then "BENCH-DONE".  The checksums make a wrong emulation visible: every
 * part uses only integer arithmetic or exactly rounded IEEE operations, so
 * all correct platforms print the same values.  As PID 1 it powers the
 * machine off when done.
 *
 * The parts follow the rows of ../shared/design/JIT.md (where QEMU loses
 * time): an integer loop, sha256 (FIPS 180-4), qsort with a comparator
 * (indirect calls and returns), floating point, and memory (pointer chase
 * over a 4 MiB random cycle plus memcpy).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/reboot.h>

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

/* ---- integer: mixing, division, data-dependent branches ---- */
static uint64_t part_int(void)
{
    uint64_t acc = 1, x = 0x9e3779b97f4a7c15ull;

    for (uint32_t i = 0; i < 3000000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        acc += (x >> 33) ^ (acc << 3);
        if (x & 0x10) {
            acc ^= acc >> 7;
        } else {
            acc += i * 3;
        }
        if ((i & 63) == 0) {
            acc += x / ((acc | 1) & 0xffff);
        }
    }
    return acc;
}

/* ---- sha256 (FIPS 180-4 section 6.2) ---- */
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh;

    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +
                      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static uint64_t part_sha256(void)
{
    enum { LEN = 1 << 20 };
    uint8_t *buf = malloc(LEN);
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    if (!buf) {
        return 0;
    }
    for (uint32_t i = 0; i < LEN; i++) {
        buf[i] = (uint8_t)mix64(i);
    }
    for (int round = 0; round < 2; round++) {
        for (uint32_t o = 0; o < LEN; o += 64) {
            sha256_block(h, buf + o);
        }
    }
    free(buf);
    return (uint64_t)h[0] << 32 | h[7];
}

/* ---- qsort: comparator calls through libc ---- */
static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return (a > b) - (a < b);
}

static uint64_t part_qsort(void)
{
    enum { N = 200000 };
    uint64_t *v = malloc(N * sizeof(*v)), acc = 0;

    if (!v) {
        return 0;
    }
    for (uint32_t i = 0; i < N; i++) {
        v[i] = mix64(i + 12345);
    }
    qsort(v, N, sizeof(*v), cmp_u64);
    for (uint32_t i = 0; i < N; i += 97) {
        acc = acc * 31 + v[i];
    }
    free(v);
    return acc;
}

/* ---- floating point: +, -, *, /, sqrt, conversions (exactly rounded) ---- */
static uint64_t part_float(void)
{
    double x = 0.5, y = 1.25, s = 0.0;
    float f = 1.0f, g = 0.25f;
    uint64_t bits, acc = 0;
    uint32_t fb;

    for (int i = 1; i <= 1000000; i++) {
        x = x * 0.999999 + 1.0 / (double)i;
        y = __builtin_sqrt(y * y + x) - y / 3.0;
        s += (double)(int64_t)(x * 1000.0) * 0.125;
        f = f * 0.9995f + (float)(i & 15) * 0.0625f;
        g = g * f / (g + 1.0f);
    }
    memcpy(&bits, &x, 8);
    acc ^= bits;
    memcpy(&bits, &y, 8);
    acc = mix64(acc ^ bits);
    memcpy(&bits, &s, 8);
    acc = mix64(acc ^ bits);
    memcpy(&fb, &f, 4);
    acc = mix64(acc ^ fb);
    memcpy(&fb, &g, 4);
    return mix64(acc ^ fb);
}

/* ---- memory: a pointer chase over a random cycle, then memcpy ---- */
static uint64_t part_memory(void)
{
    enum { N = 1 << 20, COPY = 1 << 20 };
    uint32_t *next = malloc(N * sizeof(*next));
    uint8_t *a = malloc(COPY), *b = malloc(COPY);
    uint64_t acc = 0, x = 7;
    uint32_t at = 0;

    if (!next || !a || !b) {
        free(next);
        free(a);
        free(b);
        return 0;
    }
    /* Sattolo's shuffle: one cycle through every slot. */
    for (uint32_t i = 0; i < N; i++) {
        next[i] = i;
    }
    for (uint32_t i = N - 1; i > 0; i--) {
        uint32_t j, t;
        x = mix64(x + i);
        j = (uint32_t)(x % i);
        t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    for (uint32_t i = 0; i < N; i++) {
        at = next[at];
        acc += at;
    }
    memset(a, 0x5a, COPY);
    for (int r = 0; r < 16; r++) {
        a[r * 4099 % COPY] = (uint8_t)r;
        memcpy(b, a, COPY);
        memcpy(a, b + 1, COPY - 1);
        acc = acc * 31 + b[(r * 65537) % COPY];
    }
    free(next);
    free(a);
    free(b);
    return acc;
}

static const struct {
    const char *name;
    uint64_t (*fn)(void);
} parts[] = {
    {"int", part_int},
    {"sha256", part_sha256},
    {"qsort", part_qsort},
    {"float", part_float},
    {"memory", part_memory},
};

int main(void)
{
    /* BENCH_PARTS=a,b runs only those parts (for profiling; as init, the
     * kernel passes unknown name=value arguments in the environment). */
    const char *only = getenv("BENCH_PARTS");

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        uint64_t t0, sum, t1;

        if (only && !strstr(only, parts[i].name)) {
            continue;
        }
        t0 = now_ns();
        sum = parts[i].fn();
        t1 = now_ns();

        printf("BENCH-PART %s %llu %016llx\n", parts[i].name,
               (unsigned long long)(t1 - t0), (unsigned long long)sum);
        fflush(stdout);
    }
    printf("BENCH-DONE\n");
    fflush(stdout);
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
        for (;;) {
            pause();
        }
    }
    return 0;
}
