/* Runs the shared vectors (tests/vectors) through the C ABI. Each case must reach the verdict its
 * vector states, as in the Rust, Go and Python runs: `valid`, `status`, the complete issue list
 * as sorted (severity, rule, pointer) triples, and `normalized` where the vector gives one.
 *
 * The vectors arrive flattened by flatten_vectors.py (its docstring has the format), so this test
 * needs no JSON parser. `normalized` is compared as canonical JSON text: the flattener writes the
 * expected value with sorted keys and no spaces, and atlscim_report_normalized_json writes a JSON
 * value the same way. A case that cannot run counts as a failure, and so does a vector file of a
 * kind other than "check" (tests/vectors/README.md "Kinds"), until this test learns to run it.
 *
 * Usage: test_vectors FLATTENED_VECTORS */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"

typedef struct {
    char *data; /* NUL-terminated after `len` bytes; NULL when the record is absent */
    size_t len;
} field;

typedef struct {
    field name, config, method, path, body, generate, current, valid, status, normalized;
    field *issues; /* "severity rule pointer" each */
    size_t n_issues;
} vector;

/* Reads one record "<tag> <length>\n<bytes>\n". Returns 1, 0 at the end of the file, or -1 when
 * the record is malformed. */
static int read_record(FILE *f, char tag[32], field *out) {
    size_t len;
    if (fscanf(f, "%31s %zu", tag, &len) != 2) {
        return feof(f) ? 0 : -1;
    }
    if (fgetc(f) != '\n' || (out->data = malloc(len + 1)) == NULL) {
        return -1;
    }
    if (fread(out->data, 1, len, f) != len || fgetc(f) != '\n') {
        free(out->data);
        out->data = NULL;
        return -1;
    }
    out->data[len] = '\0';
    out->len = len;
    return 1;
}

static void vector_free(vector *v) {
    field *fields[] = {&v->name,      &v->config,  &v->method,  &v->path,   &v->body,
                       &v->generate,  &v->current, &v->valid,   &v->status, &v->normalized};
    size_t i;
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        free(fields[i]->data);
    }
    for (i = 0; i < v->n_issues; i++) {
        free(v->issues[i].data);
    }
    free(v->issues);
    memset(v, 0, sizeof *v);
}

/* Vector files of a kind this test does not run, each counted as a failure. */
static unsigned long unknown_kinds = 0;

/* Reads the next case. Returns 1, 0 at the end of the file, or -1 on a malformed file. */
static int read_vector(FILE *f, vector *v) {
    char tag[32];
    field rec;
    int r;
    memset(v, 0, sizeof *v);
    while ((r = read_record(f, tag, &rec)) == 1) {
        field *slot = NULL;
        if (strcmp(tag, "unknown-kind") == 0 && v->name.data == NULL) {
            fprintf(stderr, "FAIL vector file %s: a kind the C test does not run\n", rec.data);
            unknown_kinds++;
            free(rec.data);
            continue;
        }
        if (strcmp(tag, "end") == 0) {
            free(rec.data);
            return v->name.data != NULL ? 1 : -1;
        }
        if (strcmp(tag, "issue") == 0) {
            field *grown = realloc(v->issues, (v->n_issues + 1) * sizeof *grown);
            if (grown == NULL) {
                free(rec.data);
                return -1;
            }
            v->issues = grown;
            v->issues[v->n_issues++] = rec;
            continue;
        }
        if (strcmp(tag, "case") == 0) slot = &v->name;
        else if (strcmp(tag, "config") == 0) slot = &v->config;
        else if (strcmp(tag, "method") == 0) slot = &v->method;
        else if (strcmp(tag, "path") == 0) slot = &v->path;
        else if (strcmp(tag, "body") == 0) slot = &v->body;
        else if (strcmp(tag, "generate") == 0) slot = &v->generate;
        else if (strcmp(tag, "current") == 0) slot = &v->current;
        else if (strcmp(tag, "valid") == 0) slot = &v->valid;
        else if (strcmp(tag, "status") == 0) slot = &v->status;
        else if (strcmp(tag, "normalized") == 0) slot = &v->normalized;
        if (slot == NULL || slot->data != NULL) {
            fprintf(stderr, "vectors: unexpected record %s\n", tag);
            free(rec.data);
            return -1;
        }
        *slot = rec;
    }
    /* A clean end of file is only clean between cases. */
    return (r == 0 && v->name.data == NULL) ? 0 : -1;
}

/* Builds a `$generate` body as tests/vectors/README.md defines it. Returns NULL if the spec is
 * not understood. */
static char *generate(const char *spec, size_t *len) {
    static const char user_prefix[] =
        "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"a@example.com\","
        "\"emails\":[{\"value\":\"a@example.com\",\"primary\":true}],\"";
    char kind[32], key[256];
    size_t n, k, at = 0;
    char *out;
    if (sscanf(spec, "%31s %zu %255s", kind, &n, key) != 3) {
        return NULL;
    }
    k = strlen(key);
    if (strcmp(kind, "nested_arrays") == 0) {
        /* {"K":[[[…]]]} */
        if ((out = malloc(k + 2 * n + 6)) == NULL) return NULL;
        at += (size_t)sprintf(out, "{\"%s\":", key);
        memset(out + at, '[', n), at += n;
        memset(out + at, ']', n), at += n;
        out[at++] = '}';
    } else if (strcmp(kind, "long_string") == 0) {
        /* a valid User create whose K is n `a`s */
        if ((out = malloc(sizeof user_prefix + k + n + 8)) == NULL) return NULL;
        at += (size_t)sprintf(out, "%s%s\":\"", user_prefix, key);
        memset(out + at, 'a', n), at += n;
        out[at++] = '"';
        out[at++] = '}';
    } else {
        return NULL;
    }
    out[at] = '\0';
    *len = at;
    return out;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The report's issues as sorted "severity rule pointer" strings; free each and the array. */
static char **issues_of(const atlscim_report *report, size_t *count) {
    size_t i, n = atlscim_report_issue_count(report);
    char **out = calloc(n + 1, sizeof *out);
    for (i = 0; out != NULL && i < n; i++) {
        const atlscim_issue *issue = atlscim_report_issue(report, i);
        const char *severity = atlscim_severity_name(atlscim_issue_severity(issue));
        atlscim_str rule = atlscim_issue_rule(issue), pointer = atlscim_issue_pointer(issue);
        size_t size = strlen(severity) + rule.len + pointer.len + 3;
        if ((out[i] = malloc(size)) != NULL) {
            sprintf(out[i], "%s %.*s %.*s", severity, (int)rule.len, rule.data, (int)pointer.len, pointer.data);
        }
    }
    if (out != NULL) {
        qsort(out, n, sizeof *out, compare_strings);
    }
    *count = n;
    return out;
}

/* Runs one case; returns 1 when it reaches the expected verdict. */
static int run_case(const vector *v) {
    atlscim_profile *profile = NULL;
    atlscim_report *report = NULL;
    atlscim_error *err = NULL;
    atlscim_bytes json = {NULL, 0};
    atlscim_request request;
    char *generated = NULL, **got = NULL, **want = NULL;
    size_t i, n_got = 0;
    int ok = 1, valid;
    unsigned status;
    char prefix[96];

    if (v->config.data != NULL) {
        if (atlscim_profile_new(v->config.data, v->config.len, &profile, &err) != ATLSCIM_STATUS_OK) {
            atlscim_str m = atlscim_error_message(err);
            fprintf(stderr, "FAIL %s: config: %.*s\n", v->name.data, (int)m.len, m.data);
            atlscim_error_free(err);
            return 0;
        }
    } else {
        profile = atlscim_profile_atlassian();
    }

    memset(&request, 0, sizeof request);
    request.method = v->method.data;
    request.method_len = v->method.len;
    request.path = v->path.data;
    request.path_len = v->path.len;
    request.current = v->current.data;
    request.current_len = v->current.len;
    if (v->generate.data != NULL) {
        if ((generated = generate(v->generate.data, &request.body_len)) == NULL) {
            fprintf(stderr, "FAIL %s: cannot generate %s\n", v->name.data, v->generate.data);
            atlscim_profile_free(profile);
            return 0;
        }
        request.body = generated;
    } else {
        request.body = v->body.data; /* NULL: no body */
        request.body_len = v->body.len;
    }

    if (atlscim_profile_check(profile, &request, &report, &err) != ATLSCIM_STATUS_OK) {
        atlscim_str m = atlscim_error_message(err);
        fprintf(stderr, "FAIL %s: check failed: %.*s\n", v->name.data, (int)m.len, m.data);
        atlscim_error_free(err);
        atlscim_profile_free(profile);
        free(generated);
        return 0;
    }
    /* The report holds its own copy of the body: free the inputs before reading it. */
    atlscim_profile_free(profile);
    free(generated);

    valid = atlscim_report_valid(report);
    status = atlscim_report_status(report);
    if (valid != (strcmp(v->valid.data, "true") == 0)) {
        fprintf(stderr, "FAIL %s: valid %d, expected %s\n", v->name.data, valid, v->valid.data);
        ok = 0;
    }
    if (status != (strcmp(v->status.data, "null") == 0 ? 0u : (unsigned)strtoul(v->status.data, NULL, 10))) {
        fprintf(stderr, "FAIL %s: status %u, expected %s\n", v->name.data, status, v->status.data);
        ok = 0;
    }
    /* The first error is what sets the status; a valid report has none. */
    if ((atlscim_report_first_error(report) == NULL) != (valid != 0) ||
        (!valid && atlscim_issue_status(atlscim_report_first_error(report)) != status)) {
        fprintf(stderr, "FAIL %s: first error does not match the verdict\n", v->name.data);
        ok = 0;
    }

    got = issues_of(report, &n_got);
    want = calloc(v->n_issues + 1, sizeof *want);
    for (i = 0; want != NULL && i < v->n_issues; i++) {
        want[i] = v->issues[i].data;
    }
    if (got == NULL || want == NULL) {
        fprintf(stderr, "FAIL %s: out of memory\n", v->name.data);
        ok = 0;
    } else {
        int same = n_got == v->n_issues;
        qsort(want, v->n_issues, sizeof *want, compare_strings);
        for (i = 0; same && i < n_got; i++) {
            same = got[i] != NULL && strcmp(got[i], want[i]) == 0;
        }
        if (!same) {
            fprintf(stderr, "FAIL %s: issues\n", v->name.data);
            for (i = 0; i < n_got; i++) fprintf(stderr, "    got  %s\n", got[i] ? got[i] : "(null)");
            for (i = 0; i < v->n_issues; i++) fprintf(stderr, "    want %s\n", want[i]);
            ok = 0;
        }
    }

    if (v->normalized.data != NULL) {
        if (atlscim_report_normalized_json(report, &json, NULL) != ATLSCIM_STATUS_OK ||
            json.len != v->normalized.len || memcmp(json.data, v->normalized.data, json.len) != 0) {
            fprintf(stderr, "FAIL %s: normalized\n    got  %s\n    want %s\n", v->name.data,
                    json.data ? json.data : "(none)", v->normalized.data);
            ok = 0;
        }
        atlscim_bytes_free(&json);
    }

    /* The report JSON agrees with the accessors: it opens with the same verdict. */
    if (valid) {
        sprintf(prefix, "{\"valid\":true,\"status\":null,\"issues\":[");
    } else {
        sprintf(prefix, "{\"valid\":false,\"status\":%u,\"issues\":[", status);
    }
    if (atlscim_report_to_json(report, &json, NULL) != ATLSCIM_STATUS_OK ||
        strncmp(json.data, prefix, strlen(prefix)) != 0 || json.data[json.len - 1] != '}') {
        fprintf(stderr, "FAIL %s: report JSON does not open with %s\n", v->name.data, prefix);
        ok = 0;
    }
    atlscim_bytes_free(&json);

    for (i = 0; got != NULL && i < n_got; i++) {
        free(got[i]);
    }
    free(got);
    free(want);
    atlscim_report_free(report);
    return ok;
}

int main(int argc, char **argv) {
    FILE *f;
    vector v;
    unsigned long expected = 0, ran = 0, failed = 0;
    int r;

    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: test_vectors FLATTENED_VECTORS (from flatten_vectors.py)\n");
        return 2;
    }
    if (fscanf(f, "atlscim-vectors 1 %lu", &expected) != 1 || fgetc(f) != '\n') {
        fprintf(stderr, "%s: not a flattened vector file\n", argv[1]);
        fclose(f);
        return 2;
    }
    while ((r = read_vector(f, &v)) == 1) {
        ran++;
        if (!run_case(&v)) {
            failed++;
        }
        vector_free(&v);
    }
    vector_free(&v);
    fclose(f);
    if (r < 0) {
        fprintf(stderr, "%s: malformed after case %lu\n", argv[1], ran);
        return 1;
    }
    printf("shared vectors (C): %lu cases run, %lu failures, %lu vector files of an unknown kind\n", ran, failed,
           unknown_kinds);
    if (ran != expected || ran == 0) {
        fprintf(stderr, "expected %lu cases, ran %lu\n", expected, ran);
        return 1;
    }
    return failed == 0 && unknown_kinds == 0 && expect_failures == 0 ? 0 : 1;
}
