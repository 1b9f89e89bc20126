/*
 * The ring-3 workload: count primes below limit by trial division.  Shared
 * by the test kernel and bench/kvm-ring3.sh's native build, so both run
 * the same machine code shape.
 */
#ifndef TESTS_GUEST_X86_64_PRIMES_H
#define TESTS_GUEST_X86_64_PRIMES_H

#include <stdint.h>

static inline uint64_t count_primes(uint32_t limit)
{
    uint64_t count = 0;

    for (uint32_t n = 2; n < limit; n++) {
        uint32_t d = 2;

        while (d * d <= n && n % d) {
            d++;
        }
        count += d * d > n;
    }
    return count;
}

#endif
