/* Latency samples of one kind (nanoseconds, from the monotonic clock) and
 * their summary: count, median, 99th percentile and maximum. */
#ifndef SIP_POP_LATENCY_H
#define SIP_POP_LATENCY_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct latency {
    uint32_t *ns; /* samples, clamped to about 4.29 s */
    size_t count;
    size_t cap;
};

/* Nanoseconds on the monotonic clock (never the wall clock: it may jump). */
uint64_t latency_now(void);

/* Records one sample; beyond LATENCY_MAX_SAMPLES (or if memory runs out)
 * further samples are not kept, so the summary covers the first ones. */
void latency_add(struct latency *lat, uint64_t ns);

/* Prints "<label>: N calls, median X us, p99 Y us, max Z us" (sorts the samples). */
void latency_print(struct latency *lat, const char *label, FILE *out);

void latency_free(struct latency *lat);

#define LATENCY_MAX_SAMPLES ((size_t)1 << 22)

#endif
