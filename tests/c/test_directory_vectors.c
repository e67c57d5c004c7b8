/* Runs the directory vectors (tests/vectors/directory/ and the Entra ID and Okta replays in
 * examples/replays/) through the C ABI of libatlscim_server, over HTTP as the Python and Go runners
 * do: each case starts a fresh local directory (atlscim_server_start with the case's profile
 * config), sends its steps in order over a socket, and compares each answer's status, the body the
 * step expects (the answer must contain it: objects by key, arrays element by element with the
 * same length, scalars as text), the pointers that must be absent, and saves the strings later
 * steps use ("{name}" in a path or body).
 *
 * The vectors arrive flattened by flatten_directory_vectors.py (its docstring gives the records).
 * Usage: test_directory_vectors FLATTENED_FILE. Every failure is printed; the exit status is 1 if
 * any case failed or the number of cases run is not the number announced. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "atlscim_server.h"
#include "json_scan.h"

typedef struct {
    char tag[32];
    char *data; /* NUL-terminated after `len` bytes */
    size_t len;
} record;

static int read_record(FILE *f, record *r) {
    size_t len;
    if (fscanf(f, "%31s %zu", r->tag, &len) != 2 || fgetc(f) != '\n') return 0;
    r->data = malloc(len + 1);
    if (r->data == NULL || fread(r->data, 1, len, f) != len || fgetc(f) != '\n') {
        free(r->data);
        r->data = NULL;
        return 0;
    }
    r->data[len] = '\0';
    r->len = len;
    return 1;
}

static const char *case_name = "";
static int case_failed = 0;

static void fail(int step, const char *what, const char *detail) {
    case_failed = 1;
    fprintf(stderr, "FAIL %s step %d: %s%s%s\n", case_name, step, what, detail ? " " : "", detail ? detail : "");
}

/* The values earlier steps saved, by name. */
typedef struct {
    char *name, *value;
} saved_value;
static saved_value saved[32];
static size_t n_saved = 0;

static void clear_saved(void) {
    while (n_saved > 0) {
        n_saved--;
        free(saved[n_saved].name);
        free(saved[n_saved].value);
    }
}

/* `text` with each "{name}" of a saved value replaced by the value (malloc'ed). */
static char *substitute(const char *text) {
    char *out = malloc(strlen(text) + 1);
    size_t i;
    if (out == NULL) return NULL;
    strcpy(out, text);
    for (i = 0; i < n_saved; i++) {
        size_t nlen = strlen(saved[i].name) + 2, vlen = strlen(saved[i].value);
        char *pattern = malloc(nlen + 1), *at;
        if (pattern == NULL) break;
        snprintf(pattern, nlen + 1, "{%s}", saved[i].name);
        while ((at = strstr(out, pattern)) != NULL) {
            size_t before = (size_t)(at - out), total = strlen(out) - nlen + vlen;
            char *next = malloc(total + 1);
            if (next == NULL) break;
            memcpy(next, out, before);
            memcpy(next + before, saved[i].value, vlen);
            strcpy(next + before + vlen, at + nlen);
            free(out);
            out = next;
        }
        free(pattern);
    }
    return out;
}

/* The value at JSON pointer `pointer` ("/Resources/0/id") in [p, end), or 0. */
static int json_pointer(const char *p, const char *end, const char *pointer, const char **value,
                        const char **value_end) {
    char segment[256];
    const char *v = p, *v_end = end;
    if (*pointer == '\0') {
        *value = p;
        *value_end = json_skip(p, end);
        return *value_end != NULL;
    }
    if (*pointer != '/') return 0;
    pointer++;
    for (;;) {
        size_t n = strcspn(pointer, "/"), i, k = 0;
        if (n >= sizeof segment) return 0;
        for (i = 0; i < n; i++) { /* ~1 is '/', ~0 is '~' */
            if (pointer[i] == '~' && i + 1 < n && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
                segment[k++] = pointer[i + 1] == '1' ? '/' : '~';
                i++;
            } else {
                segment[k++] = pointer[i];
            }
        }
        segment[k] = '\0';
        v = json_ws(v, v_end);
        if (v == NULL || v >= v_end) return 0;
        if (*v == '[') {
            char *rest;
            long index = strtol(segment, &rest, 10);
            const char *at = NULL, *e = NULL, *e_end = NULL;
            if (k == 0 || *rest != '\0' || !isdigit((unsigned char)segment[0])) return 0;
            for (; index >= 0; index--) {
                if (!json_next(v, v_end, &at, &e, &e_end)) return 0;
            }
            v = e;
            v_end = e_end;
        } else if (!json_member(v, v_end, segment, &v, &v_end)) {
            return 0;
        }
        if (pointer[n] == '\0') break;
        pointer += n + 1;
    }
    *value = v;
    *value_end = v_end;
    return 1;
}

/* Whether the answer [a, a_end) contains the expected value [e, e_end): objects by key, arrays
 * element by element with the same length, anything else as the same text. On a difference, writes
 * where to `why`. */
static int contains(const char *a, const char *a_end, const char *e, const char *e_end, const char *at, char *why,
                    size_t why_size) {
    char here[512];
    a = json_ws(a, a_end);
    e = json_ws(e, e_end);
    if (a == NULL || e == NULL || a >= a_end || e >= e_end) {
        snprintf(why, why_size, "%s cannot be read", at[0] ? at : "/");
        return 0;
    }
    if (*e == '{') {
        const char *p = json_ws(e + 1, e_end);
        if (*a != '{') {
            snprintf(why, why_size, "%s is %.*s, expected an object", at[0] ? at : "/", (int)(a_end - a), a);
            return 0;
        }
        while (p != NULL && p < e_end && *p == '"') {
            const char *k_end = json_skip(p, e_end), *v, *v_end, *av, *av_end;
            char key[256];
            size_t klen;
            if (k_end == NULL || (klen = (size_t)(k_end - p - 2)) >= sizeof key || memchr(p, '\\', klen + 2) != NULL) {
                snprintf(why, why_size, "%s: an expected key this runner cannot read", at);
                return 0;
            }
            memcpy(key, p + 1, klen);
            key[klen] = '\0';
            v = json_ws(json_ws(k_end, e_end) + 1, e_end); /* after the ':' */
            v_end = json_skip(v, e_end);
            if (v_end == NULL) return 0;
            snprintf(here, sizeof here, "%s/%s", at, key);
            if (!json_member(a, a_end, key, &av, &av_end)) {
                snprintf(why, why_size, "%s is missing", here);
                return 0;
            }
            if (!contains(av, av_end, v, v_end, here, why, why_size)) return 0;
            p = json_ws(v_end, e_end);
            if (p != NULL && p < e_end && *p == ',') p = json_ws(p + 1, e_end);
        }
        return 1;
    }
    if (*e == '[') {
        const char *a_at = NULL, *e_at = NULL, *av, *av_end, *ev, *ev_end;
        int i = 0, more_a, more_e;
        if (*a != '[') {
            snprintf(why, why_size, "%s is %.*s, expected an array", at[0] ? at : "/", (int)(a_end - a), a);
            return 0;
        }
        for (;; i++) {
            more_a = json_next(a, a_end, &a_at, &av, &av_end);
            more_e = json_next(e, e_end, &e_at, &ev, &ev_end);
            if (more_a != more_e) {
                snprintf(why, why_size, "%s has %s elements than expected", at[0] ? at : "/", more_a ? "more" : "fewer");
                return 0;
            }
            if (!more_a) return 1;
            snprintf(here, sizeof here, "%s/%d", at, i);
            if (!contains(av, av_end, ev, ev_end, here, why, why_size)) return 0;
        }
    }
    e_end = json_skip(e, e_end);
    a_end = json_skip(a, a_end);
    if (e_end == NULL || a_end == NULL || e_end - e != a_end - a || memcmp(a, e, (size_t)(e_end - e)) != 0) {
        snprintf(why, why_size, "%s is %.*s, expected %.*s", at[0] ? at : "/", a_end ? (int)(a_end - a) : 0, a,
                 e_end ? (int)(e_end - e) : 0, e);
        return 0;
    }
    return 1;
}

/* Sends one HTTP/1.1 request to 127.0.0.1:port (Connection: close) and reads the whole answer
 * (malloc'ed, NUL-terminated, into *reply). Returns the length, or -1. */
static long http(int port, const char *request, size_t request_len, char **reply) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    size_t got = 0, cap = 16384, sent = 0;
    ssize_t n;
    char *buf;
    if (fd < 0) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    while (sent < request_len && (n = write(fd, request + sent, request_len - sent)) > 0) sent += (size_t)n;
    if ((buf = malloc(cap)) == NULL) {
        close(fd);
        return -1;
    }
    while ((n = read(fd, buf + got, cap - 1 - got)) > 0) {
        got += (size_t)n;
        if (got + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) break;
            buf = bigger;
            cap *= 2;
        }
    }
    close(fd);
    buf[got] = '\0';
    *reply = buf;
    return (long)got;
}

/* The body of an HTTP answer, de-chunked in place when it is sent chunked; sets *len. */
static char *body_of(char *reply, size_t reply_len, size_t *len) {
    char *body = strstr(reply, "\r\n\r\n"), *p, *w;
    int chunked = 0;
    if (body == NULL) return NULL;
    *body = '\0';
    for (p = reply; *p; p++) *p = (char)tolower((unsigned char)*p);
    chunked = strstr(reply, "\ntransfer-encoding: chunked") != NULL;
    body += 4;
    if (!chunked) {
        *len = reply_len - (size_t)(body - reply);
        return body;
    }
    for (p = w = body;;) {
        char *line_end;
        unsigned long size = strtoul(p, &line_end, 16);
        if ((line_end = strstr(line_end, "\r\n")) == NULL) return NULL;
        p = line_end + 2;
        if (size == 0) break;
        memmove(w, p, size);
        w += size;
        p += size + 2;
    }
    *w = '\0';
    *len = (size_t)(w - body);
    return body;
}

/* Runs one step (its records [from, to)); returns 0 when it failed (the case stops). */
static int run_step(int step, const record *r, size_t from, size_t to, int port, const char *base,
                    const char *token) {
    const char *method = NULL, *path = NULL, *body = NULL, *expect_body = NULL;
    char headers[2048] = "", *full_path = NULL, *sent_body = NULL, *request = NULL, *reply = NULL, *answer, why[1024];
    size_t i, answer_len = 0, request_cap;
    long reply_len;
    int status = -1, want_status = -1, ok = 1;

    for (i = from; i < to; i++) {
        const char *t = r[i].tag, *d = r[i].data;
        if (strcmp(t, "method") == 0) method = d;
        else if (strcmp(t, "path") == 0) path = d;
        else if (strcmp(t, "body") == 0) body = d;
        else if (strcmp(t, "status") == 0) want_status = atoi(d);
        else if (strcmp(t, "expect-body") == 0) expect_body = d;
        else if (strcmp(t, "header") == 0) {
            const char *nl = strchr(d, '\n');
            size_t used = strlen(headers);
            if (nl == NULL) return fail(step, "a header without a value", d), 0;
            snprintf(headers + used, sizeof headers - used, "%.*s: %s\r\n", (int)(nl - d), d, nl + 1);
        } else if (strcmp(t, "absent") != 0 && strcmp(t, "save") != 0) {
            return fail(step, "a record this runner does not know:", t), 0;
        }
    }
    if (method == NULL || path == NULL || want_status < 0) return fail(step, "cannot run", NULL), 0;
    {
        char *p = substitute(path);
        if (p == NULL) return 0;
        /* A path that names a directory itself is sent as it is; others go under the base URL. */
        full_path = malloc(strlen(base) + strlen(p) + 1);
        if (full_path == NULL) return free(p), 0;
        sprintf(full_path, "%s%s", strncmp(p, "/scim/directory/", 16) == 0 ? "" : base, p);
        free(p);
    }
    sent_body = body ? substitute(body) : NULL;
    request_cap = strlen(full_path) + strlen(headers) + (sent_body ? strlen(sent_body) : 0) + 512;
    if ((request = malloc(request_cap)) == NULL) goto done;
    snprintf(request, request_cap,
             "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n%sContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             method, full_path, port, token, headers, sent_body ? strlen(sent_body) : 0, sent_body ? sent_body : "");
    if ((reply_len = http(port, request, strlen(request), &reply)) < 0) {
        fail(step, "no answer from the server", full_path);
        ok = 0;
        goto done;
    }
    if (sscanf(reply, "HTTP/1.1 %d", &status) != 1 || (answer = body_of(reply, (size_t)reply_len, &answer_len)) == NULL) {
        fail(step, "not an HTTP answer:", reply);
        ok = 0;
        goto done;
    }
    if (status != want_status) {
        snprintf(why, sizeof why, "%s %s answered %d, expected %d: %.*s", method, full_path, status, want_status,
                 (int)(answer_len > 600 ? 600 : answer_len), answer);
        fail(step, "status", why);
        ok = 0;
        goto done;
    }
    if (expect_body != NULL) {
        char *want = substitute(expect_body);
        if (want == NULL || answer_len == 0 ||
            !contains(answer, answer + answer_len, want, want + strlen(want), "", why, sizeof why)) {
            fail(step, "body", answer_len == 0 ? "(none)" : why);
            fprintf(stderr, "    answer: %.*s\n", (int)(answer_len > 2000 ? 2000 : answer_len), answer);
            ok = 0;
        }
        free(want);
    }
    for (i = from; ok && i < to; i++) {
        const char *v, *v_end;
        if (strcmp(r[i].tag, "absent") == 0 && answer_len > 0 &&
            json_pointer(answer, answer + answer_len, r[i].data, &v, &v_end)) {
            fail(step, "should be absent:", r[i].data);
            ok = 0;
        }
        if (strcmp(r[i].tag, "save") == 0) {
            const char *nl = strchr(r[i].data, '\n');
            if (nl == NULL || n_saved == sizeof saved / sizeof saved[0] || answer_len == 0 ||
                !json_pointer(answer, answer + answer_len, nl + 1, &v, &v_end) || *v != '"' ||
                memchr(v, '\\', (size_t)(v_end - v)) != NULL) {
                fail(step, "nothing (or not a plain string) to save at", nl ? nl + 1 : r[i].data);
                ok = 0;
                break;
            }
            saved[n_saved].name = malloc((size_t)(nl - r[i].data) + 1);
            saved[n_saved].value = malloc((size_t)(v_end - v) - 1);
            if (saved[n_saved].name == NULL || saved[n_saved].value == NULL) {
                free(saved[n_saved].name);
                free(saved[n_saved].value);
                ok = 0;
                break;
            }
            memcpy(saved[n_saved].name, r[i].data, (size_t)(nl - r[i].data));
            saved[n_saved].name[nl - r[i].data] = '\0';
            memcpy(saved[n_saved].value, v + 1, (size_t)(v_end - v) - 2);
            saved[n_saved].value[v_end - v - 2] = '\0';
            n_saved++;
        }
    }
done:
    free(full_path);
    free(sent_body);
    free(request);
    free(reply);
    return ok;
}

/* Runs one case (records [0, n): "case", "config", then its steps). */
static void run_case(const record *r, size_t n) {
    atlscim_server *server = NULL;
    char *error = NULL, *settings;
    const char *config = n > 1 && strcmp(r[1].tag, "config") == 0 ? r[1].data : NULL, *url, *root;
    const char *token = "c-directory-vectors";
    size_t i, start = 0;
    int port = 0, step = -1;

    case_name = r[0].data;
    case_failed = 0;
    clear_saved();
    if (config == NULL || (settings = malloc(strlen(config) + 128)) == NULL) {
        fail(0, "no config record (or out of memory)", NULL);
        return;
    }
    sprintf(settings, "{\"addr\": \"127.0.0.1:0\", \"token\": \"%s\", \"config\": %s}", token, config);
    if (atlscim_server_start((const uint8_t *)settings, strlen(settings), &server, &error) != ATLSCIM_SERVER_STATUS_OK) {
        fail(0, "the server did not start:", error);
        atlscim_server_string_free(error);
        free(settings);
        return;
    }
    free(settings);
    url = atlscim_server_url(server);
    root = atlscim_server_root_url(server);
    if (sscanf(root, "http://127.0.0.1:%d", &port) != 1 || strncmp(url, root, strlen(root)) != 0) {
        fail(0, "unexpected server URLs", url);
    } else {
        /* Steps run from one "step" record to the next; the first failure stops the case. */
        for (i = 2; i <= n; i++) {
            if (i == n || strcmp(r[i].tag, "step") == 0) {
                if (step >= 0 && !run_step(step, r, start, i, port, url + strlen(root), token)) break;
                step++;
                start = i + 1;
            }
        }
        if (step <= 0 && !case_failed) fail(0, "a case without steps", NULL);
    }
    atlscim_server_stop(server);
    clear_saved();
}

int main(int argc, char **argv) {
    FILE *f;
    record r[1024];
    size_t n = 0, i;
    unsigned long expected = 0, ran = 0, failed = 0;

    (void)json_canonical; /* json_scan.h helpers this runner does not need */
    (void)json_quote;
    (void)json_text_is;

    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: test_directory_vectors FLATTENED_FILE (from flatten_directory_vectors.py)\n");
        return 2;
    }
    if (fscanf(f, "atlscim-directory-vectors 1 %lu", &expected) != 1 || fgetc(f) != '\n') {
        fprintf(stderr, "%s: not a flattened directory vector file (version 1)\n", argv[1]);
        fclose(f);
        return 2;
    }
    while (n < sizeof r / sizeof r[0] && read_record(f, &r[n])) {
        if (strcmp(r[n].tag, "end") == 0) {
            if (n == 0 || strcmp(r[0].tag, "case") != 0) {
                fprintf(stderr, "%s: a case without its name after case %lu\n", argv[1], ran);
                failed++;
            } else {
                run_case(r, n);
                ran++;
                failed += case_failed;
            }
            for (i = 0; i <= n; i++) free(r[i].data);
            n = 0;
        } else {
            n++;
        }
    }
    for (i = 0; i < n; i++) free(r[i].data);
    fclose(f);
    printf("directory vectors (C, over HTTP): %lu cases run, %lu failed\n", ran, failed);
    if (n != 0 || ran != expected || ran == 0) {
        fprintf(stderr, "expected %lu cases, ran %lu%s\n", expected, ran, n ? " (the file ends inside a case)" : "");
        return 1;
    }
    return failed == 0 ? 0 : 1;
}
