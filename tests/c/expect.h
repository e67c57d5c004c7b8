/* Small assertion helpers shared by the C tests: a failed expectation is counted and printed,
 * and the test goes on, so one run shows every failure. */
#ifndef ATLSCIM_TEST_EXPECT_H
#define ATLSCIM_TEST_EXPECT_H

#include <stdio.h>
#include <string.h>

#include "atlscim.h"

static int expect_failures = 0;

static inline int expect_(int ok, const char *what, const char *file, int line) {
    if (!ok) {
        expect_failures++;
        fprintf(stderr, "%s:%d: expected %s\n", file, line, what);
    }
    return ok;
}

/* Checks a condition; evaluates to it, so a test can skip what depends on it. */
#define EXPECT(cond) expect_((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

/* Whether a borrowed view holds exactly the NUL-terminated text `want`. */
static inline int str_is(atlscim_str s, const char *want) {
    size_t n = strlen(want);
    return s.data != NULL && s.len == n && memcmp(s.data, want, n) == 0;
}

/* Whether owned text holds exactly `want` (and keeps its promised NUL terminator). */
static inline int bytes_is(atlscim_bytes b, const char *want) {
    return b.data != NULL && strlen(b.data) == b.len && strcmp(b.data, want) == 0;
}

/* Whether owned text contains `needle`. */
static inline int bytes_has(atlscim_bytes b, const char *needle) {
    return b.data != NULL && strstr(b.data, needle) != NULL;
}

/* Whether a borrowed view contains `needle` (views are not NUL-terminated). */
static inline int str_has(atlscim_str s, const char *needle) {
    size_t n = strlen(needle), i;
    for (i = 0; s.data != NULL && i + n <= s.len; i++) {
        if (memcmp(s.data + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

#endif /* ATLSCIM_TEST_EXPECT_H */
