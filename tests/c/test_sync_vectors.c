/* Runs the shared sync vectors (tests/vectors/sync/) through the C ABI: atlscim_plan_new, and the
 * executor (atlscim_sync_next / atlscim_sync_feed) through each case's script of answers. The
 * vectors come flattened by flatten_sync_vectors.py (its docstring gives the records). Usage:
 * test_sync_vectors FLATTENED_FILE. Every case that fails is printed; the exit status is 1 if any
 * did. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "json_scan.h"

typedef struct {
    char tag[32];
    char *data; /* NUL-terminated; may hold NULs of its own (it does not here) */
    size_t len;
} record;

static int read_record(FILE *f, record *r) {
    size_t len;
    if (fscanf(f, "%31s %zu", r->tag, &len) != 2 || fgetc(f) != '\n') return 0;
    r->data = malloc(len + 1);
    if (r->data == NULL || fread(r->data, 1, len, f) != len || fgetc(f) != '\n') {
        free(r->data);
        return 0;
    }
    r->data[len] = '\0';
    r->len = len;
    return 1;
}

static int failed_cases = 0;
static const char *case_name = "";
static int case_failed = 0;

static void fail(const char *what, const char *detail) {
    if (!case_failed) failed_cases++;
    case_failed = 1;
    fprintf(stderr, "FAIL %s: %s %s\n", case_name, what, detail ? detail : "");
}

/* The value at `path` ("steps/0/kind") in the JSON [p, end), or 0. */
static int json_at(const char *p, const char *end, const char *path, const char **value, const char **value_end) {
    char segment[128];
    const char *v = p, *v_end = end;
    while (*path) {
        size_t n = strcspn(path, "/");
        if (n >= sizeof segment) return 0;
        memcpy(segment, path, n);
        segment[n] = '\0';
        path += n + (path[n] == '/');
        if (segment[0] >= '0' && segment[0] <= '9') {
            long i = strtol(segment, NULL, 10);
            const char *at = NULL;
            const char *e = NULL, *e_end = NULL;
            for (; i >= 0; i--) {
                if (!json_next(v, v_end, &at, &e, &e_end)) return 0;
            }
            v = e;
            v_end = e_end;
        } else if (!json_member(v, v_end, segment, &v, &v_end)) {
            return 0;
        }
    }
    *value = v;
    *value_end = v_end;
    return 1;
}

/* Compares the plan's JSON with an "at" record. */
static void check_at(const char *json, size_t json_len, const record *r) {
    char path[256];
    const char *want = strchr(r->data, '\n'), *v, *v_end;
    size_t n = (size_t)(want - r->data);
    char *got;
    if (want == NULL || n >= sizeof path) {
        fail("bad record", r->data);
        return;
    }
    memcpy(path, r->data, n);
    path[n] = '\0';
    want++;
    if (n > 0 && path[n - 1] == '#') {
        const char *at = NULL, *e, *e_end;
        long count = 0;
        path[n - 1] = '\0';
        if (!json_at(json, json + json_len, path, &v, &v_end)) {
            fail("no array at", path);
            return;
        }
        while (json_next(v, v_end, &at, &e, &e_end)) count++;
        if (count != strtol(want, NULL, 10)) fail("wrong number of elements at", path);
        return;
    }
    if (!json_at(json, json + json_len, path, &v, &v_end)) {
        fail("nothing at", path);
        return;
    }
    got = json_canonical(v, (size_t)(v_end - v));
    if (got == NULL || strcmp(got, want) != 0) {
        fprintf(stderr, "  at %s: got %s, want %s\n", path, got ? got : "(not JSON)", want);
        fail("differs at", path);
    }
    free(got);
}

/* The action's member `key` as canonical JSON text (seconds is compared apart); the caller frees it. */
static char *action_member(const atlscim_sync_action *a, const char *key) {
    static const char *const kinds[] = {"\"send\"", "\"wait\"", "\"done\""};
    if (strcmp(key, "kind") == 0) {
        char *s = malloc(8);
        if (s != NULL) strcpy(s, kinds[a->kind]);
        return s;
    }
    if (strcmp(key, "step") == 0) return json_quote(a->step.data, a->step.len);
    if (strcmp(key, "method") == 0) return json_quote(a->method.data, a->method.len);
    if (strcmp(key, "path") == 0) return json_quote(a->path.data, a->path.len);
    if (strcmp(key, "body") == 0) return json_quote(a->body.data, a->body.len);
    if (strcmp(key, "headers") == 0) {
        size_t i, room = 3;
        char *out, *w;
        for (i = 0; i < a->header_count; i++) room += 2 * (a->headers[i].name_len + a->headers[i].value_len) + 16;
        out = malloc(room);
        if (out == NULL) return NULL;
        w = out;
        *w++ = '{';
        /* The executor hands the headers out sorted by name, as canonical JSON sorts members. */
        for (i = 0; i < a->header_count; i++) {
            char *name = json_quote(a->headers[i].name, a->headers[i].name_len);
            char *value = json_quote(a->headers[i].value, a->headers[i].value_len);
            w += sprintf(w, "%s%s:%s", i ? "," : "", name, value);
            free(name);
            free(value);
        }
        strcpy(w, "}");
        return out;
    }
    return NULL;
}

typedef struct {
    uint16_t status;
    char *body;
    atlscim_header headers[8];
    size_t header_count;
} answer;

static void run_case(record *records, size_t n) {
    const char *config = "{}", *options = NULL, *exec_options = NULL, *desired = "", *current = "", *kind = "";
    size_t i;
    atlscim_profile *profile = NULL;
    atlscim_plan *plan = NULL, *again = NULL;
    atlscim_sync *sync = NULL;
    atlscim_sync_action action;
    atlscim_error *err = NULL;
    double now = 0;
    answer ans;
    size_t outcomes = 0;

    memset(&ans, 0, sizeof ans);
    for (i = 0; i < n; i++) {
        const record *r = &records[i];
        if (strcmp(r->tag, "case") == 0) case_name = r->data;
        else if (strcmp(r->tag, "kind") == 0) kind = r->data;
        else if (strcmp(r->tag, "config") == 0) config = r->data;
        else if (strcmp(r->tag, "options") == 0) options = r->data;
        else if (strcmp(r->tag, "exec-options") == 0) exec_options = r->data;
        else if (strcmp(r->tag, "desired") == 0) desired = r->data;
        else if (strcmp(r->tag, "current") == 0) current = r->data;
    }
    case_failed = 0;
    if (atlscim_profile_new(config, strlen(config), &profile, NULL) != ATLSCIM_STATUS_OK) {
        fail("config refused", config);
        return;
    }
    if (atlscim_plan_new(profile, desired, strlen(desired), current, strlen(current), options,
                         options ? strlen(options) : 0, &plan, &err) != ATLSCIM_STATUS_OK ||
        atlscim_plan_new(profile, desired, strlen(desired), current, strlen(current), options,
                         options ? strlen(options) : 0, &again, NULL) != ATLSCIM_STATUS_OK) {
        atlscim_str m = atlscim_error_message(err);
        fail("plan failed:", m.data);
        goto done;
    }
    {
        atlscim_str a = atlscim_plan_json(plan), b = atlscim_plan_json(again);
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) fail("planning twice gave different bytes", NULL);
    }
    if (strcmp(kind, "sync_plan") == 0) {
        atlscim_str json = atlscim_plan_json(plan);
        for (i = 0; i < n; i++) {
            if (strcmp(records[i].tag, "at") == 0) check_at(json.data, json.len, &records[i]);
        }
        goto done;
    }
    if (atlscim_sync_new(plan, exec_options, exec_options ? strlen(exec_options) : 0, &sync, &err) != ATLSCIM_STATUS_OK) {
        fail("atlscim_sync_new failed", NULL);
        goto done;
    }
    for (i = 0; i < n; i++) {
        record *r = &records[i];
        if (strcmp(r->tag, "now") == 0) {
            now = strtod(r->data, NULL);
            if (atlscim_sync_next(sync, now, &action, NULL) != ATLSCIM_STATUS_OK) fail("next failed", NULL);
        } else if (strcmp(r->tag, "expect") == 0) {
            char *want = strchr(r->data, '\n');
            *want++ = '\0';
            if (strcmp(r->data, "seconds") == 0) {
                if (action.kind != ATLSCIM_SYNC_ACTION_KIND_WAIT || fabs(action.wait_seconds - strtod(want, NULL)) > 1e-9) {
                    fprintf(stderr, "  seconds: got %.9f, want %s\n", action.wait_seconds, want);
                    fail("wait differs", NULL);
                }
            } else {
                char *got = action_member(&action, r->data);
                if (got == NULL || strcmp(got, want) != 0) {
                    fprintf(stderr, "  %s: got %s, want %s\n", r->data, got ? got : "(none)", want);
                    fail("action differs in", r->data);
                }
                free(got);
            }
            want[-1] = '\n';
        } else if (strcmp(r->tag, "respond-status") == 0) {
            memset(&ans, 0, sizeof ans);
            ans.status = (uint16_t)strtol(r->data, NULL, 10);
        } else if (strcmp(r->tag, "respond-header") == 0 && ans.header_count < 8) {
            char *value = strchr(r->data, '\n');
            atlscim_header *h = &ans.headers[ans.header_count++];
            h->name = r->data;
            h->name_len = (size_t)(value - r->data);
            h->value = value + 1;
            h->value_len = strlen(value + 1);
        } else if (strcmp(r->tag, "respond-body") == 0) {
            ans.body = r->data;
        } else if (strcmp(r->tag, "respond-end") == 0) {
            if (atlscim_sync_feed(sync, ans.status, ans.body, ans.body ? strlen(ans.body) : 0, ans.headers,
                                  ans.header_count, now, NULL) != ATLSCIM_STATUS_OK) {
                fail("feed failed", NULL);
            }
        } else if (strcmp(r->tag, "outcome") == 0) {
            atlscim_bytes state = {NULL, 0};
            char *want = strchr(r->data, '\n'), id[64];
            const char *steps, *steps_end, *at = NULL, *e, *e_end;
            int found = 0;
            outcomes++;
            snprintf(id, sizeof id, "\"%.*s\"", (int)(want - r->data), r->data);
            atlscim_sync_state_json(sync, &state, NULL);
            if (json_member(state.data, state.data + state.len, "steps", &steps, &steps_end)) {
                while (json_next(steps, steps_end, &at, &e, &e_end)) {
                    const char *v, *v_end;
                    char quoted[64];
                    if (json_member(e, e_end, "id", &v, &v_end) && json_text_is(v, v_end, id)) {
                        snprintf(quoted, sizeof quoted, "\"%s\"", want + 1);
                        found = json_member(e, e_end, "outcome", &v, &v_end) && json_text_is(v, v_end, quoted);
                        if (!found) fprintf(stderr, "  %s: outcome %.*s, want %s\n", id, (int)(v_end - v), v, quoted);
                    }
                }
            }
            if (!found) fail("outcome differs for", id);
            atlscim_bytes_free(&state);
        }
    }
    if (outcomes != atlscim_plan_step_count(plan)) fail("the vector does not give every step's outcome", NULL);
done:
    atlscim_error_free(err);
    atlscim_sync_free(sync);
    atlscim_plan_free(again);
    atlscim_plan_free(plan);
    atlscim_profile_free(profile);
}

int main(int argc, char **argv) {
    FILE *f;
    unsigned long cases = 0, ran = 0;
    record records[2048];
    size_t n = 0, i;
    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: test_sync_vectors FLATTENED_FILE\n");
        return 2;
    }
    if (fscanf(f, "atlscim-sync-vectors 1 %lu\n", &cases) != 1) {
        fprintf(stderr, "test_sync_vectors: not a flattened sync vector file\n");
        return 2;
    }
    while (n < sizeof records / sizeof *records && read_record(f, &records[n])) {
        if (strcmp(records[n].tag, "end") == 0) {
            run_case(records, n);
            ran++;
            for (i = 0; i <= n; i++) free(records[i].data);
            n = 0;
        } else {
            n++;
        }
    }
    fclose(f);
    for (i = 0; i < n; i++) free(records[i].data);
    if (ran != cases || n != 0) {
        fprintf(stderr, "test_sync_vectors: ran %lu of %lu cases\n", ran, cases);
        return 1;
    }
    printf("test_sync_vectors: %lu sync cases, %d failed\n", ran, failed_cases);
    return failed_cases ? 1 : 0;
}
