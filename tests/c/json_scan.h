/* Just enough JSON reading for the C tests to pick values out of what the library writes:
 * skip a value, find an object's member, step through an array. Values are returned as the text
 * they are written as (a string with its quotes and escapes), to compare with the canonical text
 * the vector flattener writes. The input is trusted to be JSON (the library wrote it); on text that
 * is not, these functions return NULL rather than read past the end. */
#ifndef ATLSCIM_TEST_JSON_SCAN_H
#define ATLSCIM_TEST_JSON_SCAN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *json_ws(const char *p, const char *end) {
    while (p != NULL && p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* The end of the value starting at `p` (after leading whitespace), or NULL. */
static const char *json_skip(const char *p, const char *end) {
    p = json_ws(p, end);
    if (p == NULL || p >= end) return NULL;
    if (*p == '"') {
        for (p++; p < end; p++) {
            if (*p == '\\') p++;
            else if (*p == '"') return p + 1;
        }
        return NULL;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1, end);
        if (p != NULL && p < end && *p == close) return p + 1;
        while (p != NULL && p < end) {
            if (close == '}') {
                p = json_skip(p, end); /* the key */
                p = json_ws(p, end);
                if (p == NULL || p >= end || *p != ':') return NULL;
                p++;
            }
            p = json_ws(json_skip(p, end), end);
            if (p == NULL || p >= end) return NULL;
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p++;
        }
        return NULL;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
    return p;
}

/* The value of member `key` of the object at `p` (its text in [*value, *value_end)); 0 when the
 * object has no such member. Keys are compared as written (the library's keys hold no escapes). */
static int json_member(const char *p, const char *end, const char *key, const char **value, const char **value_end) {
    size_t n = strlen(key);
    p = json_ws(p, end);
    if (p == NULL || p >= end || *p != '{') return 0;
    p = json_ws(p + 1, end);
    while (p != NULL && p < end && *p == '"') {
        const char *k = p + 1, *k_end = json_skip(p, end);
        if (k_end == NULL) return 0;
        p = json_ws(k_end, end);
        if (p == NULL || p >= end || *p != ':') return 0;
        p = json_ws(p + 1, end);
        if ((size_t)(k_end - 1 - k) == n && memcmp(k, key, n) == 0) {
            *value = p;
            *value_end = json_skip(p, end);
            return *value_end != NULL;
        }
        p = json_ws(json_skip(p, end), end);
        if (p == NULL || p >= end || *p != ',') return 0;
        p = json_ws(p + 1, end);
    }
    return 0;
}

/* The elements of the array at `p`: call with *at = NULL first; each call sets [*value,
 * *value_end) to the next element and returns 1, or returns 0 after the last. */
static int json_next(const char *p, const char *end, const char **at, const char **value, const char **value_end) {
    const char *q = *at == NULL ? json_ws(p, end) : json_ws(*at, end);
    if (q == NULL || q >= end) return 0;
    if (*at == NULL) {
        if (*q != '[') return 0;
    } else if (*q != ',') {
        return 0;
    }
    q = json_ws(q + 1, end);
    if (q == NULL || q >= end || *q == ']') return 0;
    *value = q;
    *value_end = json_skip(q, end);
    *at = *value_end;
    return *value_end != NULL;
}

/* Whether [value, value_end) is exactly the text `want`. */
static int json_text_is(const char *value, const char *value_end, const char *want) {
    size_t n = strlen(want);
    return value != NULL && value_end != NULL && (size_t)(value_end - value) == n && memcmp(value, want, n) == 0;
}

/* `len` bytes of UTF-8 text as a JSON string, escaped as the library and Python's json module
 * write it; NULL data is `null`. The caller frees the result. */
static char *json_quote(const char *data, size_t len) {
    char *out, *w;
    size_t i;
    if (data == NULL) {
        out = malloc(5);
        if (out != NULL) strcpy(out, "null");
        return out;
    }
    if ((out = malloc(len * 6 + 3)) == NULL) return NULL;
    w = out;
    *w++ = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        switch (c) {
        case '"': *w++ = '\\', *w++ = '"'; break;
        case '\\': *w++ = '\\', *w++ = '\\'; break;
        case '\n': *w++ = '\\', *w++ = 'n'; break;
        case '\r': *w++ = '\\', *w++ = 'r'; break;
        case '\t': *w++ = '\\', *w++ = 't'; break;
        case '\b': *w++ = '\\', *w++ = 'b'; break;
        case '\f': *w++ = '\\', *w++ = 'f'; break;
        default:
            if (c < 0x20) {
                w += sprintf(w, "\\u%04x", c);
            } else {
                *w++ = (char)c;
            }
        }
    }
    *w++ = '"';
    *w = '\0';
    return out;
}

/* One object member while canonicalizing: its key's text (with quotes) and its value's. */
typedef struct {
    const char *key, *key_end, *value, *value_end;
} json_member_span;

static int json_member_cmp(const void *a, const void *b) {
    const json_member_span *x = a, *y = b;
    size_t nx = (size_t)(x->key_end - x->key), ny = (size_t)(y->key_end - y->key);
    int c = memcmp(x->key, y->key, nx < ny ? nx : ny);
    return c != 0 ? c : (nx > ny) - (nx < ny);
}

/* Appends the value at `p` in canonical form (object members sorted by key, no whitespace;
 * strings and numbers as written) to `out`, which has room for the value's own length; returns
 * the end of what it wrote, or NULL. The library copies what its fixes do not touch as it was
 * written, so its text is compared with a vector's canonical text in this form. */
static char *json_canonical_into(const char *p, const char *end, char *out) {
    const char *value_end;
    p = json_ws(p, end);
    if (p == NULL || p >= end || out == NULL) return NULL;
    if (*p == '{') {
        json_member_span *members = NULL;
        size_t n = 0, cap = 0, i;
        const char *q = json_ws(p + 1, end);
        while (q != NULL && q < end && *q == '"') {
            json_member_span m;
            m.key = q;
            m.key_end = json_skip(q, end);
            q = json_ws(m.key_end, end);
            if (q == NULL || q >= end || *q != ':') break;
            m.value = json_ws(q + 1, end);
            m.value_end = json_skip(m.value, end);
            if (m.value_end == NULL) break;
            if (n == cap) {
                json_member_span *grown = realloc(members, (cap = cap ? cap * 2 : 8) * sizeof *members);
                if (grown == NULL) break;
                members = grown;
            }
            members[n++] = m;
            q = json_ws(m.value_end, end);
            if (q != NULL && q < end && *q == ',') q = json_ws(q + 1, end);
        }
        if (n > 1) qsort(members, n, sizeof *members, json_member_cmp);
        *out++ = '{';
        for (i = 0; i < n && out != NULL; i++) {
            if (i > 0) *out++ = ',';
            memcpy(out, members[i].key, (size_t)(members[i].key_end - members[i].key));
            out += members[i].key_end - members[i].key;
            *out++ = ':';
            out = json_canonical_into(members[i].value, members[i].value_end, out);
        }
        free(members);
        if (out != NULL) *out++ = '}';
        return out;
    }
    if (*p == '[') {
        const char *at = NULL, *value;
        int first = 1;
        *out++ = '[';
        while (out != NULL && json_next(p, end, &at, &value, &value_end)) {
            if (!first) *out++ = ',';
            first = 0;
            out = json_canonical_into(value, value_end, out);
        }
        if (out != NULL) *out++ = ']';
        return out;
    }
    value_end = json_skip(p, end);
    if (value_end == NULL) return NULL;
    memcpy(out, p, (size_t)(value_end - p));
    return out + (value_end - p);
}

/* The JSON text [data, data + len) in canonical form (see json_canonical_into); the caller frees
 * it. NULL if it is not JSON. */
static char *json_canonical(const char *data, size_t len) {
    char *out = malloc(len + 1), *w;
    if (out == NULL) return NULL;
    w = json_canonical_into(data, data + len, out);
    if (w == NULL) {
        free(out);
        return NULL;
    }
    *w = '\0';
    return out;
}

#endif /* ATLSCIM_TEST_JSON_SCAN_H */
