/* Latency samples and their summary for sip_pop (see latency.h). */
#define _POSIX_C_SOURCE 200809L
#include "latency.h"

#include <stdlib.h>

uint64_t latency_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void latency_add(struct latency *lat, uint64_t ns) {
    if (lat->count == lat->cap) {
        size_t cap = lat->cap ? lat->cap * 2 : 4096;
        uint32_t *grown;
        if (cap > LATENCY_MAX_SAMPLES) {
            return;
        }
        grown = realloc(lat->ns, cap * sizeof *grown);
        if (grown == NULL) {
            return; /* keep what we have: a summary is still possible */
        }
        lat->ns = grown;
        lat->cap = cap;
    }
    lat->ns[lat->count++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double percentile_us(const struct latency *lat, double p) {
    size_t rank = (size_t)(p * (double)lat->count + 0.999999);
    if (rank == 0) {
        rank = 1;
    }
    return lat->ns[rank - 1] / 1000.0;
}

void latency_print(struct latency *lat, const char *label, FILE *out) {
    if (lat->count == 0) {
        fprintf(out, "%s: 0 calls\n", label);
        return;
    }
    qsort(lat->ns, lat->count, sizeof *lat->ns, by_value);
    fprintf(out, "%s: %zu calls, median %.1f us, p99 %.1f us, max %.1f us\n", label, lat->count,
            percentile_us(lat, 0.5), percentile_us(lat, 0.99), lat->ns[lat->count - 1] / 1000.0);
}

void latency_free(struct latency *lat) {
    free(lat->ns);
    lat->ns = NULL;
    lat->count = lat->cap = 0;
}
