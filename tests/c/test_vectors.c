/* Runs the shared vectors (tests/vectors) through the C ABI: every kind the README lists, each
 * case reaching the verdict its vector states, as in the Rust, Go and Python runs.
 *
 * - check, batch, map_user, map_group: `valid`, `status`, the complete issue list as
 *   (severity, rule, pointer) triples in report order (sorted where the vector says
 *   "issue_order": "any"), and `normalized` / `resource` where the vector gives one (a mapped
 *   user's report normalizes to the user itself); for check, each issue's detail in report order where the
 *   vector gives them; a batch's summary;
 * - patch: the patched resource, or the refusal's rule, HTTP status and scimType;
 * - diff: the PatchOp messages (an array, `[]` for none), and applying them in turn to `current`
 *   gives `desired`;
 * - response: each key the case asserts, in the classification's JSON (classified by the case's
 *   profile when it has a config);
 * - the normalizers: each key the case asserts, in the result's JSON or the refusal's reason and
 *   suggestion;
 * - rule: each key the case asserts, in the rule's object of atlscim_rules_json;
 * - key_expiry: the state and days left from atlscim_profile_key_expiry (the case's config) or
 *   atlscim_key_expiry (expires-at, warn-days).
 *
 * The vectors arrive flattened by flatten_vectors.py (its docstring has the format), so this test
 * needs no JSON parser: JSON values are compared as canonical text (the flattener writes expected
 * values with sorted keys and no spaces, as the library writes a value), and json_scan.h picks
 * members out of the library's output. A case that cannot run counts as a failure, and so does a
 * case or vector file of a kind this test does not know.
 *
 * Usage: test_vectors FLATTENED_VECTORS */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"
#include "json_scan.h"

typedef struct {
    char *data; /* NUL-terminated after `len` bytes */
    size_t len;
} field;

typedef struct {
    char tag[32];
    field value;
} record;

/* One case: its records in order, from "case" to the one before "end". */
typedef struct {
    record *records;
    size_t n;
    const char *name, *kind;
} vcase;

/* Reads one record "<tag> <length>\n<bytes>\n". Returns 1, 0 at the end of the file, or -1 when
 * the record is malformed. */
static int read_record(FILE *f, record *out) {
    size_t len;
    if (fscanf(f, "%31s %zu", out->tag, &len) != 2) {
        return feof(f) ? 0 : -1;
    }
    if (fgetc(f) != '\n' || (out->value.data = malloc(len + 1)) == NULL) {
        return -1;
    }
    if (fread(out->value.data, 1, len, f) != len || fgetc(f) != '\n') {
        free(out->value.data);
        out->value.data = NULL;
        return -1;
    }
    out->value.data[len] = '\0';
    out->value.len = len;
    return 1;
}

static void case_free(vcase *c) {
    size_t i;
    for (i = 0; i < c->n; i++) {
        free(c->records[i].value.data);
    }
    free(c->records);
    memset(c, 0, sizeof *c);
}

/* Vector files of a kind this test does not run, each counted as a failure. */
static unsigned long unknown_kinds = 0;

/* Reads the next case. Returns 1, 0 at the end of the file, or -1 on a malformed file. */
static int read_case(FILE *f, vcase *c) {
    record rec;
    int r;
    memset(c, 0, sizeof *c);
    while ((r = read_record(f, &rec)) == 1) {
        record *grown;
        if (strcmp(rec.tag, "unknown-kind") == 0 && c->n == 0) {
            fprintf(stderr, "FAIL vector file %s: a kind the C test does not run\n", rec.value.data);
            unknown_kinds++;
            free(rec.value.data);
            continue;
        }
        if (strcmp(rec.tag, "end") == 0) {
            free(rec.value.data);
            if (c->n < 2 || strcmp(c->records[0].tag, "case") != 0 || strcmp(c->records[1].tag, "kind") != 0) {
                return -1;
            }
            c->name = c->records[0].value.data;
            c->kind = c->records[1].value.data;
            return 1;
        }
        if ((grown = realloc(c->records, (c->n + 1) * sizeof *grown)) == NULL) {
            free(rec.value.data);
            return -1;
        }
        c->records = grown;
        c->records[c->n++] = rec;
    }
    /* A clean end of file is only clean between cases. */
    return (r == 0 && c->n == 0) ? 0 : -1;
}

/* The first record `tag` in records [from, to), or NULL. */
static const field *get_in(const vcase *c, size_t from, size_t to, const char *tag) {
    size_t i;
    for (i = from; i < to && i < c->n; i++) {
        if (strcmp(c->records[i].tag, tag) == 0) return &c->records[i].value;
    }
    return NULL;
}

static const field *get(const vcase *c, const char *tag) {
    return get_in(c, 0, c->n, tag);
}

static const char *data_of(const field *f) {
    return f != NULL ? f->data : NULL;
}

static size_t len_of(const field *f) {
    return f != NULL ? f->len : 0;
}

/* Prints a failed call's error for a case. */
static void fail_call(const vcase *c, const char *what, atlscim_status status, const atlscim_error *err) {
    atlscim_str m = atlscim_error_message(err);
    fprintf(stderr, "FAIL %s: %s failed (%s): %.*s\n", c->name, what, atlscim_status_str(status), (int)m.len,
            m.data ? m.data : "");
}

/* Whether owned output holds exactly the expected text; prints the difference if not. */
static int same_text(const vcase *c, const char *what, atlscim_bytes got, const char *want) {
    if (want != NULL && got.data != NULL && strcmp(got.data, want) == 0 && strlen(got.data) == got.len) {
        return 1;
    }
    fprintf(stderr, "FAIL %s: %s\n    got  %s\n    want %s\n", c->name, what, got.data ? got.data : "(none)",
            want ? want : "(none)");
    return 0;
}

/* Like same_text, for a body the library writes as it was sent with its fixes written in (its
 * members in their own order): compared in canonical form. */
static int same_json(const vcase *c, const char *what, atlscim_bytes got, const char *want) {
    char *canonical = got.data != NULL ? json_canonical(got.data, got.len) : NULL;
    atlscim_bytes as_canonical = {canonical, canonical != NULL ? strlen(canonical) : 0};
    int ok = same_text(c, what, canonical != NULL ? as_canonical : got, want);
    free(canonical);
    return ok;
}

/* The case's profile: its config, or the atlassian profile's defaults. NULL (reported) if the
 * config is refused. */
static atlscim_profile *profile_for(const vcase *c) {
    const field *config = get(c, "config");
    atlscim_profile *profile = NULL;
    atlscim_error *err = NULL;
    atlscim_status status;
    if (config == NULL) {
        return atlscim_profile_atlassian();
    }
    if ((status = atlscim_profile_new(config->data, config->len, &profile, &err)) != ATLSCIM_STATUS_OK) {
        fail_call(c, "config", status, err);
        atlscim_error_free(err);
    }
    return profile;
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

/* The request records [from, to) describe. Sets *generated to a body the caller frees, if one was
 * generated. Returns 0 (reported) if the body cannot be generated. */
static int request_of(const vcase *c, size_t from, size_t to, atlscim_request *request, char **generated) {
    const field *gen = get_in(c, from, to, "generate"), *body = get_in(c, from, to, "body");
    const field *current = get_in(c, from, to, "current");
    memset(request, 0, sizeof *request);
    *generated = NULL;
    request->method = data_of(get_in(c, from, to, "method"));
    request->method_len = len_of(get_in(c, from, to, "method"));
    request->path = data_of(get_in(c, from, to, "path"));
    request->path_len = len_of(get_in(c, from, to, "path"));
    request->current = data_of(current);
    request->current_len = len_of(current);
    if (gen != NULL) {
        if ((*generated = generate(gen->data, &request->body_len)) == NULL) {
            fprintf(stderr, "FAIL %s: cannot generate %s\n", c->name, gen->data);
            return 0;
        }
        request->body = *generated;
    } else {
        request->body = data_of(body); /* NULL: no body */
        request->body_len = len_of(body);
    }
    return 1;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The report's issues as "severity rule pointer" strings, in report order or sorted; free each and
 * the array. */
static char **issues_of(const atlscim_report *report, size_t *count, int sort) {
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
    if (out != NULL && sort) {
        qsort(out, n, sizeof *out, compare_strings);
    }
    *count = n;
    return out;
}

/* Whether a report reaches the verdict records [from, to) expect: valid, status, the issues, and
 * the report's own consistency (first error, report JSON). */
static int verify_report(const vcase *c, size_t from, size_t to, const atlscim_report *report) {
    const field *want_valid = get_in(c, from, to, "valid"), *want_status = get_in(c, from, to, "status");
    atlscim_bytes json = {NULL, 0};
    char **got, **want, prefix[96];
    size_t i, n_got = 0, n_want = 0;
    int ok = 1, valid = atlscim_report_valid(report);
    int any_order = get_in(c, from, to, "issue-order") != NULL;
    unsigned status = atlscim_report_status(report);

    if (want_valid == NULL || want_status == NULL) {
        fprintf(stderr, "FAIL %s: the vector gives no verdict\n", c->name);
        return 0;
    }
    if (valid != (strcmp(want_valid->data, "true") == 0)) {
        fprintf(stderr, "FAIL %s: valid %d, expected %s\n", c->name, valid, want_valid->data);
        ok = 0;
    }
    if (status != (strcmp(want_status->data, "null") == 0 ? 0u : (unsigned)strtoul(want_status->data, NULL, 10))) {
        fprintf(stderr, "FAIL %s: status %u, expected %s\n", c->name, status, want_status->data);
        ok = 0;
    }
    {
        /* The status of the body as sent (0 for null: accepted). */
        const field *want_sent = get_in(c, from, to, "sent-status");
        unsigned sent = atlscim_report_sent_status(report);
        if (want_sent != NULL &&
            sent != (strcmp(want_sent->data, "null") == 0 ? 0u : (unsigned)strtoul(want_sent->data, NULL, 10))) {
            fprintf(stderr, "FAIL %s: sent_status %u, expected %s\n", c->name, sent, want_sent->data);
            ok = 0;
        }
    }
    {
        const field *want_omitted = get_in(c, from, to, "omitted");
        if (want_omitted != NULL && atlscim_report_omitted(report) != (size_t)strtoul(want_omitted->data, NULL, 10)) {
            fprintf(stderr, "FAIL %s: omitted %zu, expected %s\n", c->name, atlscim_report_omitted(report),
                    want_omitted->data);
            ok = 0;
        }
    }
    /* The first error is what sets the status; a valid report has none. */
    if ((atlscim_report_first_error(report) == NULL) != (valid != 0) ||
        (!valid && atlscim_issue_status(atlscim_report_first_error(report)) != status)) {
        fprintf(stderr, "FAIL %s: first error does not match the verdict\n", c->name);
        ok = 0;
    }

    got = issues_of(report, &n_got, any_order);
    want = calloc(to - from + 1, sizeof *want);
    for (i = from; want != NULL && i < to; i++) {
        if (strcmp(c->records[i].tag, "issue") == 0) want[n_want++] = c->records[i].value.data;
    }
    if (got == NULL || want == NULL) {
        fprintf(stderr, "FAIL %s: out of memory\n", c->name);
        ok = 0;
    } else {
        int same = n_got == n_want;
        if (any_order) qsort(want, n_want, sizeof *want, compare_strings);
        for (i = 0; same && i < n_got; i++) {
            same = got[i] != NULL && strcmp(got[i], want[i]) == 0;
        }
        if (!same) {
            fprintf(stderr, "FAIL %s: issues (%s)\n", c->name, any_order ? "any order" : "in report order");
            for (i = 0; i < n_got; i++) fprintf(stderr, "    got  %s\n", got[i] ? got[i] : "(null)");
            for (i = 0; i < n_want; i++) fprintf(stderr, "    want %s\n", want[i]);
            ok = 0;
        }
    }
    for (i = 0; got != NULL && i < n_got; i++) {
        free(got[i]);
    }
    free(got);
    free(want);

    /* The report JSON agrees with the accessors: it opens with the same verdict. */
    if (valid) {
        sprintf(prefix, "{\"valid\":true,\"status\":null,\"issues\":[");
    } else {
        sprintf(prefix, "{\"valid\":false,\"status\":%u,\"issues\":[", status);
    }
    if (atlscim_report_to_json(report, &json, NULL) != ATLSCIM_STATUS_OK ||
        strncmp(json.data, prefix, strlen(prefix)) != 0 || json.data[json.len - 1] != '}') {
        fprintf(stderr, "FAIL %s: report JSON does not open with %s\n", c->name, prefix);
        ok = 0;
    }
    atlscim_bytes_free(&json);
    return ok;
}

/* Each issue's detail, in report order, against the case's "detail" records (when it has them). */
static int same_details(const vcase *c, const atlscim_report *report) {
    const field *count = get(c, "details");
    size_t i, k = 0, n = atlscim_report_issue_count(report);
    int ok = 1;
    if (count == NULL) return 1;
    if (strtoul(count->data, NULL, 10) != n) {
        fprintf(stderr, "FAIL %s: %zu issues, the vector gives %s details\n", c->name, n, count->data);
        return 0;
    }
    for (i = 0; i < c->n; i++) {
        atlscim_str got;
        if (strcmp(c->records[i].tag, "detail") != 0) continue;
        got = atlscim_issue_detail(atlscim_report_issue(report, k++));
        if (got.len != c->records[i].value.len || memcmp(got.data, c->records[i].value.data, got.len) != 0) {
            fprintf(stderr, "FAIL %s: detail %zu\n    got  %.*s\n    want %s\n", c->name, k - 1, (int)got.len, got.data,
                    c->records[i].value.data);
            ok = 0;
        }
    }
    return ok;
}

/* Each issue's status and scimType, in report order, against the case's "issue-status" records
   ("400 invalidSyntax", "null null"). */
static int same_statuses(const vcase *c, const atlscim_report *report) {
    const field *count = get(c, "statuses");
    size_t i, k = 0, n = atlscim_report_issue_count(report);
    int ok = 1;
    if (count == NULL) return 1;
    if (strtoul(count->data, NULL, 10) != n) {
        fprintf(stderr, "FAIL %s: %zu issues, the vector gives %s statuses\n", c->name, n, count->data);
        return 0;
    }
    for (i = 0; i < c->n; i++) {
        const atlscim_issue *issue;
        atlscim_str scim;
        unsigned status;
        char got[128], number[16];
        if (strcmp(c->records[i].tag, "issue-status") != 0) continue;
        issue = atlscim_report_issue(report, k++);
        scim = atlscim_issue_scim_type(issue);
        status = atlscim_issue_status(issue);
        snprintf(number, sizeof number, "%u", status);
        if (scim.data == NULL)
            snprintf(got, sizeof got, "%s null", status == 0 ? "null" : number);
        else
            snprintf(got, sizeof got, "%s %.*s", status == 0 ? "null" : number, (int)scim.len, scim.data);
        if (strcmp(got, c->records[i].value.data) != 0) {
            fprintf(stderr, "FAIL %s: issue %zu status\n    got  %s\n    want %s\n", c->name, k - 1, got,
                    c->records[i].value.data);
            ok = 0;
        }
    }
    return ok;
}

static int run_check(const vcase *c) {
    atlscim_profile *profile = profile_for(c);
    atlscim_report *report = NULL;
    atlscim_error *err = NULL;
    atlscim_request request;
    atlscim_status status;
    const field *normalized = get(c, "normalized");
    char *generated = NULL;
    int ok;

    if (profile == NULL || !request_of(c, 0, c->n, &request, &generated)) {
        atlscim_profile_free(profile);
        return 0;
    }
    status = atlscim_profile_check(profile, &request, &report, &err);
    /* The report holds its own copy of the body: free the inputs before reading it. */
    atlscim_profile_free(profile);
    free(generated);
    if (status != ATLSCIM_STATUS_OK) {
        fail_call(c, "check", status, err);
        atlscim_error_free(err);
        return 0;
    }
    ok = verify_report(c, 0, c->n, report);
    ok &= same_details(c, report);
    ok &= same_statuses(c, report);
    if (normalized != NULL) {
        atlscim_bytes json = {NULL, 0};
        ok &= atlscim_report_normalized_json(report, &json, NULL) == ATLSCIM_STATUS_OK &&
              same_json(c, "normalized", json, normalized->data);
        atlscim_bytes_free(&json);
    }
    atlscim_report_free(report);
    return ok;
}

static atlscim_resource_type resource_type_of(const vcase *c) {
    const char *type = data_of(get(c, "type"));
    return type != NULL && strcmp(type, "Group") == 0 ? ATLSCIM_RESOURCE_TYPE_GROUP : ATLSCIM_RESOURCE_TYPE_USER;
}

/* Whether a refusal's rule, HTTP status and scimType are the expected `rule status scimType`. */
static int same_refusal(const vcase *c, const atlscim_error *err, const field *error) {
    atlscim_str rule = atlscim_error_rule(err), scim_type = atlscim_error_scim_type(err);
    char got[256];
    snprintf(got, sizeof got, "%.*s %u %.*s", (int)rule.len, rule.data, (unsigned)atlscim_error_http_status(err),
             scim_type.data ? (int)scim_type.len : 4, scim_type.data ? scim_type.data : "null");
    if (strcmp(got, error->data) != 0) {
        atlscim_str m = atlscim_error_message(err);
        fprintf(stderr, "FAIL %s: refused with %s, expected %s (%.*s)\n", c->name, got, error->data, (int)m.len, m.data);
        return 0;
    }
    return 1;
}

static int run_patch(const vcase *c) {
    atlscim_profile *profile = profile_for(c);
    const field *resource = get(c, "resource"), *patch = get(c, "patch");
    const field *result = get(c, "result"), *error = get(c, "error");
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NULL;
    atlscim_status status;
    int ok = 1;

    if (profile == NULL || resource == NULL || patch == NULL || (result == NULL) == (error == NULL)) {
        atlscim_profile_free(profile);
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    status = atlscim_profile_apply_patch(profile, resource_type_of(c), resource->data, resource->len, patch->data,
                                         patch->len, &out, &err);
    atlscim_profile_free(profile);
    if (result != NULL) {
        if (status != ATLSCIM_STATUS_OK) {
            fail_call(c, "apply_patch", status, err);
            ok = 0;
        } else {
            ok = same_text(c, "patched resource", out, result->data);
        }
    } else if (status != ATLSCIM_STATUS_PATCH_REFUSED || out.data != NULL) {
        fprintf(stderr, "FAIL %s: apply_patch gave %s, expected a refusal (%s)\n", c->name, atlscim_status_str(status),
                error->data);
        ok = 0;
    } else {
        ok = same_refusal(c, err, error);
    }
    atlscim_error_free(err);
    atlscim_bytes_free(&out);
    return ok;
}

static int run_diff(const vcase *c) {
    atlscim_profile *profile = profile_for(c);
    const field *current = get(c, "current"), *desired = get(c, "desired"), *want = get(c, "messages");
    const field *desired_json = get(c, "desired-json"), *error = get(c, "error");
    atlscim_resource_type type = resource_type_of(c);
    atlscim_bytes messages = {NULL, 0}, state = {NULL, 0};
    atlscim_error *err = NULL;
    atlscim_status status;
    size_t i, applied = 0;
    int ok = 1;

    if (profile != NULL && current != NULL && desired != NULL && error != NULL) {
        /* No PATCH gives desired (a group rename, ATL-G-002): diff refuses. */
        status = atlscim_profile_diff(profile, type, current->data, current->len, desired->data, desired->len,
                                      &messages, &err);
        atlscim_profile_free(profile);
        if (status != ATLSCIM_STATUS_PATCH_REFUSED || messages.data != NULL) {
            fprintf(stderr, "FAIL %s: diff gave %s, expected a refusal (%s)\n", c->name, atlscim_status_str(status),
                    error->data);
            ok = 0;
        } else {
            ok = same_refusal(c, err, error);
        }
        atlscim_error_free(err);
        atlscim_bytes_free(&messages);
        return ok;
    }
    if (profile == NULL || current == NULL || desired == NULL || want == NULL || desired_json == NULL) {
        atlscim_profile_free(profile);
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    status =
        atlscim_profile_diff(profile, type, current->data, current->len, desired->data, desired->len, &messages, &err);
    if (status != ATLSCIM_STATUS_OK) {
        fail_call(c, "diff", status, err);
        ok = 0;
    } else if ((ok = same_text(c, "diff", messages, want->data)) != 0) {
        /* Applied in turn (the expected messages, which the output equals), they turn current into
         * desired. */
        for (i = 0; ok && i < c->n; i++) {
            const field *m = &c->records[i].value;
            atlscim_bytes next = {NULL, 0};
            if (strcmp(c->records[i].tag, "message") != 0) continue;
            status = applied == 0 ? atlscim_profile_apply_patch(profile, type, current->data, current->len, m->data,
                                                                 m->len, &next, &err)
                                  : atlscim_profile_apply_patch(profile, type, state.data, state.len, m->data, m->len,
                                                                &next, &err);
            if (status != ATLSCIM_STATUS_OK) {
                fail_call(c, "apply_patch(current, message)", status, err);
                ok = 0;
            }
            atlscim_bytes_free(&state);
            state = next;
            applied++;
        }
        if (ok && applied > 0) {
            ok = same_text(c, "the messages applied in turn", state, desired_json->data);
        }
    }
    atlscim_error_free(err);
    atlscim_bytes_free(&messages);
    atlscim_bytes_free(&state);
    atlscim_profile_free(profile);
    return ok;
}

static unsigned long batch_requests = 0;

static int run_batch(const vcase *c) {
    atlscim_profile *profile = profile_for(c);
    atlscim_batch *batch = NULL;
    atlscim_error *err = NULL;
    atlscim_bytes summary = {NULL, 0};
    atlscim_status status;
    size_t from, to;
    unsigned long requests = 0;
    const field *want_summary = get(c, "summary");
    int ok = 1;

    if (profile == NULL) return 0;
    status = atlscim_batch_new(profile, &batch, &err);
    /* The batch keeps its own copy of the profile. */
    atlscim_profile_free(profile);
    if (status != ATLSCIM_STATUS_OK) {
        fail_call(c, "batch_new", status, err);
        atlscim_error_free(err);
        return 0;
    }
    for (from = 0; from < c->n; from = to) {
        atlscim_request request;
        atlscim_report *report = NULL;
        char *generated = NULL;
        if (strcmp(c->records[from].tag, "request") != 0) {
            to = from + 1;
            continue;
        }
        for (to = from + 1; to < c->n && strcmp(c->records[to].tag, "request") != 0; to++) {
        }
        requests++;
        if (!request_of(c, from, to, &request, &generated)) {
            ok = 0;
            continue;
        }
        status = atlscim_batch_check(batch, &request, &report, &err);
        free(generated);
        if (status != ATLSCIM_STATUS_OK) {
            fail_call(c, "batch_check", status, err);
            atlscim_error_free(err);
            err = NULL;
            ok = 0;
            continue;
        }
        if (!verify_report(c, from, to, report)) {
            fprintf(stderr, "    (request #%lu of the batch)\n", requests - 1);
            ok = 0;
        }
        atlscim_report_free(report);
    }
    batch_requests += requests;
    /* The summary counts what the expectations say: requests, valid, invalid, issues by rule. */
    if (want_summary == NULL) {
        fprintf(stderr, "FAIL %s: the vector gives no batch summary\n", c->name);
        ok = 0;
    } else if (atlscim_batch_summary_json(batch, &summary, NULL) != ATLSCIM_STATUS_OK ||
               !same_text(c, "batch summary", summary, want_summary->data)) {
        ok = 0;
    }
    atlscim_bytes_free(&summary);
    atlscim_batch_free(batch);
    return requests > 0 && ok;
}

/* Compares each "expect" record "<key> <value>" of a case with what `got` gives for the key: the
 * value's text (malloc'ed; NULL means null). */
static int expect_keys(const vcase *c, char *(*got)(const void *ctx, const char *key), const void *ctx) {
    size_t i;
    int ok = 1, any = 0;
    for (i = 0; i < c->n; i++) {
        char key[64], *value;
        const char *want, *space;
        size_t k;
        if (strcmp(c->records[i].tag, "expect") != 0) continue;
        any = 1;
        space = strchr(c->records[i].value.data, ' ');
        if (space == NULL || (k = (size_t)(space - c->records[i].value.data)) >= sizeof key) {
            fprintf(stderr, "FAIL %s: malformed expectation\n", c->name);
            return 0;
        }
        memcpy(key, c->records[i].value.data, k);
        key[k] = '\0';
        want = space + 1;
        value = got(ctx, key);
        if (!(value == NULL ? strcmp(want, "null") == 0 : strcmp(value, want) == 0)) {
            fprintf(stderr, "FAIL %s: %s is %s, expected %s\n", c->name, key, value ? value : "null", want);
            ok = 0;
        }
        free(value);
    }
    if (!any) fprintf(stderr, "FAIL %s: nothing to compare\n", c->name);
    return ok && any;
}

/* A copy of [from, to) as a NUL-terminated string; NULL for the text "null". */
static char *copy_value(const char *from, const char *to) {
    char *out;
    if (json_text_is(from, to, "null") || (out = malloc((size_t)(to - from) + 1)) == NULL) return NULL;
    memcpy(out, from, (size_t)(to - from));
    out[to - from] = '\0';
    return out;
}

/* A member of a JSON object the library wrote, as its text (NULL when absent or null). */
static char *member_of(const atlscim_bytes *json, const char *key) {
    const char *v, *v_end;
    if (json->data == NULL || !json_member(json->data, json->data + json->len, key, &v, &v_end)) return NULL;
    return copy_value(v, v_end);
}

static char *response_key(const void *ctx, const char *key) {
    return member_of(ctx, key);
}

static int run_response(const vcase *c) {
    const field *http_status = get(c, "http-status"), *body = get(c, "body"), *now = get(c, "now");
    atlscim_header headers[16];
    size_t i, n = 0;
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NULL;
    atlscim_status status;
    int ok;

    if (http_status == NULL || body == NULL || now == NULL) {
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    for (i = 0; i < c->n; i++) {
        const char *text = c->records[i].value.data, *newline;
        if (strcmp(c->records[i].tag, "header") != 0) continue;
        if (n == sizeof headers / sizeof headers[0] || (newline = strchr(text, '\n')) == NULL) {
            fprintf(stderr, "FAIL %s: cannot read the headers\n", c->name);
            return 0;
        }
        headers[n].name = text;
        headers[n].name_len = (size_t)(newline - text);
        headers[n].value = newline + 1;
        headers[n].value_len = c->records[i].value.len - headers[n].name_len - 1;
        n++;
    }
    if (get(c, "config") != NULL) {
        /* The profile's limits.max_retry_after caps the wait. */
        atlscim_profile *profile = profile_for(c);
        if (profile == NULL) return 0;
        status = atlscim_profile_classify_response(profile, (uint16_t)strtoul(http_status->data, NULL, 10), body->data,
                                                   body->len, n ? headers : NULL, n, strtod(now->data, NULL), &out,
                                                   &err);
        atlscim_profile_free(profile);
    } else {
        status = atlscim_response_classify((uint16_t)strtoul(http_status->data, NULL, 10), body->data, body->len,
                                           n ? headers : NULL, n, strtod(now->data, NULL), &out, &err);
    }
    if (status != ATLSCIM_STATUS_OK) {
        fail_call(c, "classify", status, err);
        atlscim_error_free(err);
        return 0;
    }
    ok = expect_keys(c, response_key, &out);
    atlscim_bytes_free(&out);
    return ok;
}

static int run_map(const vcase *c, int group) {
    atlscim_profile *profile = profile_for(c);
    const field *mapping = get(c, "mapping"), *rec = get(c, "record"), *members = get(c, "members");
    const field *mapping_error = get(c, "mapping-error"), *resource = get(c, "resource");
    atlscim_bytes out = {NULL, 0}, normalized = {NULL, 0};
    atlscim_report *report = NULL;
    atlscim_error *err = NULL;
    atlscim_status status;
    int ok = 1;

    if (profile == NULL || rec == NULL || (!group && mapping == NULL)) {
        atlscim_profile_free(profile);
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    if (group) {
        status = atlscim_profile_map_group(profile, rec->data, rec->len, data_of(members), len_of(members), &out,
                                           &report, &err);
    } else {
        status = atlscim_profile_map_user(profile, mapping->data, mapping->len, rec->data, rec->len, &out, &report,
                                          &err);
    }
    atlscim_profile_free(profile);
    if (mapping_error != NULL) {
        if (status != ATLSCIM_STATUS_INVALID_MAPPING || !str_is(atlscim_error_key(err), mapping_error->data) ||
            report != NULL || out.data != NULL) {
            atlscim_str key = atlscim_error_key(err);
            fprintf(stderr, "FAIL %s: %s with key \"%.*s\", expected a mapping error at \"%s\"\n", c->name,
                    atlscim_status_str(status), (int)key.len, key.data ? key.data : "", mapping_error->data);
            ok = 0;
        }
    } else if (status != ATLSCIM_STATUS_OK) {
        fail_call(c, group ? "map_group" : "map_user", status, err);
        ok = 0;
    } else {
        ok = verify_report(c, 0, c->n, report);
        if (resource != NULL) {
            ok &= same_text(c, "resource", out, resource->data);
        }
        /* A mapped user is what should be sent: the report's normalized body is the user. */
        if (!group) {
            ok &= atlscim_report_normalized_json(report, &normalized, NULL) == ATLSCIM_STATUS_OK &&
                  same_text(c, "normalized is the user", normalized, out.data);
        }
    }
    atlscim_error_free(err);
    atlscim_bytes_free(&out);
    atlscim_bytes_free(&normalized);
    atlscim_report_free(report);
    return ok;
}

/* A normalizer's outcome: its JSON, or the refusal. */
typedef struct {
    const char *op;
    atlscim_status status;
    atlscim_bytes json;
    const atlscim_error *err;
} normalized_value;

static char *normalizer_key(const void *ctx, const char *key) {
    const normalized_value *n = ctx;
    const char *end = n->json.data + n->json.len, *v, *v_end, *at = NULL, *e, *e_end;
    if (n->status == ATLSCIM_STATUS_NOT_NORMALIZABLE) {
        /* The refusal, as the vectors write it: {"error": reason, "suggestion": … | null}. For the
         * nearest Atlassian language a tag that is not one has no language at all. */
        if (strcmp(n->op, "nearest_atlassian_language") == 0) return NULL;
        if (strcmp(key, "error") == 0) {
            atlscim_str reason = atlscim_error_reason(n->err);
            return json_quote(reason.data, reason.len);
        }
        if (strcmp(key, "suggestion") == 0) {
            atlscim_str suggestion = atlscim_error_suggestion(n->err);
            return suggestion.data ? json_quote(suggestion.data, suggestion.len) : NULL;
        }
        return NULL;
    }
    if (n->status != ATLSCIM_STATUS_OK) return NULL;
    if (strcmp(n->op, "join_display_name") == 0) {
        return strcmp(key, "display") == 0 ? json_quote(n->json.data, n->json.len) : NULL;
    }
    if (strcmp(n->op, "nearest_atlassian_language") == 0) {
        return strcmp(key, "language") == 0 ? copy_value(n->json.data, end) : NULL;
    }
    if (strcmp(n->op, "parse_accept_language") == 0) {
        if (!json_member(n->json.data, end, key, &v, &v_end)) return NULL;
        if (strcmp(key, "best") == 0) {
            /* The vectors give the best tag as its text. */
            return json_member(v, v_end, "tag", &e, &e_end) ? copy_value(e, e_end) : NULL;
        }
        if (strcmp(key, "errors") == 0) {
            /* The vectors give the malformed items by index. */
            char *list = malloc((size_t)(v_end - v) + 3);
            size_t at_list = 0;
            if (list == NULL) return NULL;
            list[at_list++] = '[';
            while (json_next(v, v_end, &at, &e, &e_end)) {
                const char *i, *i_end;
                if (!json_member(e, e_end, "index", &i, &i_end)) break;
                if (at_list > 1) list[at_list++] = ',';
                memcpy(list + at_list, i, (size_t)(i_end - i));
                at_list += (size_t)(i_end - i);
            }
            list[at_list++] = ']';
            list[at_list] = '\0';
            return list;
        }
    }
    return member_of(&n->json, key);
}

static int run_normalizer(const vcase *c) {
    static const struct {
        const char *op;
        atlscim_normalizer normalizer;
    } ops[] = {{"normalize_timezone", ATLSCIM_NORMALIZER_TIMEZONE},
               {"normalize_locale", ATLSCIM_NORMALIZER_LOCALE},
               {"normalize_email", ATLSCIM_NORMALIZER_EMAIL},
               {"split_display_name", ATLSCIM_NORMALIZER_DISPLAY_NAME},
               {"parse_accept_language", ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE},
               {"nearest_atlassian_language", ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE}};
    normalized_value n;
    atlscim_error *err = NULL;
    size_t i;
    int ok;

    memset(&n, 0, sizeof n);
    n.op = c->kind;
    if (strcmp(c->kind, "join_display_name") == 0) {
        const field *given = get(c, "given"), *family = get(c, "family");
        n.status = atlscim_display_name_join(data_of(given), len_of(given), data_of(family), len_of(family), &n.json,
                                             &err);
    } else {
        const field *input = get(c, "input");
        atlscim_normalizer normalizer = 0; /* not a normalizer: the call must refuse it */
        for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
            if (strcmp(ops[i].op, c->kind) == 0) normalizer = ops[i].normalizer;
        }
        n.status = atlscim_normalize(normalizer, data_of(input), len_of(input), &n.json, &err);
    }
    n.err = err;
    if (n.status != ATLSCIM_STATUS_OK && n.status != ATLSCIM_STATUS_NOT_NORMALIZABLE) {
        fail_call(c, c->kind, n.status, err);
        ok = 0;
    } else {
        ok = expect_keys(c, normalizer_key, &n);
    }
    atlscim_error_free(err);
    atlscim_bytes_free(&n.json);
    return ok;
}

/* A rule as atlscim_rules_json gives it: each asserted key of the rule's object. */
static int run_rule(const vcase *c) {
    const field *id = get(c, "rule");
    atlscim_bytes rules = {NULL, 0}, rule = {NULL, 0};
    atlscim_error *err = NULL;
    atlscim_status status;
    const char *at = NULL, *v, *v_end;
    char *quoted;
    int ok = 0;

    if (id == NULL || (quoted = json_quote(id->data, id->len)) == NULL) {
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    if ((status = atlscim_rules_json(&rules, &err)) != ATLSCIM_STATUS_OK) {
        fail_call(c, "rules_json", status, err);
        atlscim_error_free(err);
        free(quoted);
        return 0;
    }
    while (json_next(rules.data, rules.data + rules.len, &at, &v, &v_end)) {
        const char *id_at, *id_end;
        if (json_member(v, v_end, "id", &id_at, &id_end) && json_text_is(id_at, id_end, quoted)) {
            rule.data = (char *)v;
            rule.len = (size_t)(v_end - v);
            break;
        }
    }
    if (rule.data == NULL) fprintf(stderr, "FAIL %s: no rule %s in atlscim_rules_json\n", c->name, id->data);
    else ok = expect_keys(c, response_key, &rule);
    free(quoted);
    atlscim_bytes_free(&rules);
    return ok;
}

/* Where a key stands: the state's name and the days left, or nothing (no expiry configured). */
typedef struct {
    int configured;
    atlscim_key_state state;
    int64_t days_left;
} key_expiry_result;

static char *key_expiry_key(const void *ctx, const char *key) {
    const key_expiry_result *k = ctx;
    char *out;
    if (!k->configured) return NULL;
    if (strcmp(key, "state") == 0) {
        const char *name = k->state == ATLSCIM_KEY_STATE_VALID          ? "valid"
                           : k->state == ATLSCIM_KEY_STATE_EXPIRES_SOON ? "expires_soon"
                           : k->state == ATLSCIM_KEY_STATE_EXPIRED      ? "expired"
                                                                        : "unknown state";
        return json_quote(name, strlen(name));
    }
    if (strcmp(key, "days_left") == 0 && (out = malloc(24)) != NULL) {
        snprintf(out, 24, "%lld", (long long)k->days_left);
        return out;
    }
    return NULL;
}

/* Profile.key_expiry(now) from the case's config, or the function with expires-at and warn-days. */
static int run_key_expiry(const vcase *c) {
    const field *now = get(c, "now"), *expires_at = get(c, "expires-at"), *warn_days = get(c, "warn-days");
    key_expiry_result k = {0, 0, 0};

    if (now == NULL || (expires_at == NULL) == (get(c, "config") == NULL) || (expires_at != NULL && warn_days == NULL)) {
        fprintf(stderr, "FAIL %s: cannot run\n", c->name);
        return 0;
    }
    if (expires_at != NULL) {
        k.configured = 1;
        k.state = atlscim_key_expiry(strtoll(expires_at->data, NULL, 10), strtoll(now->data, NULL, 10),
                                     (uint32_t)strtoul(warn_days->data, NULL, 10), &k.days_left);
    } else {
        atlscim_profile *profile = profile_for(c);
        if (profile == NULL) return 0;
        k.configured = atlscim_profile_key_expiry(profile, strtoll(now->data, NULL, 10), &k.state, &k.days_left);
        atlscim_profile_free(profile);
    }
    return expect_keys(c, key_expiry_key, &k);
}

static int is_normalizer(const char *kind) {
    static const char *const names[] = {"normalize_timezone", "normalize_locale",  "normalize_email",
                                        "split_display_name", "parse_accept_language", "nearest_atlassian_language",
                                        "join_display_name"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(kind, names[i]) == 0) return 1;
    }
    return 0;
}

/* Cases run and failed, per kind, in the order they are printed. */
enum { K_CHECK, K_PATCH, K_DIFF, K_BATCH, K_RESPONSE, K_MAP_USER, K_MAP_GROUP, K_NORMALIZERS, K_RULE, K_KEY_EXPIRY, K_COUNT };
static const char *const kind_names[K_COUNT] = {"check",     "patch",       "diff", "batch", "response",
                                                "map_user",  "map_group",   "normalizers", "rule", "key_expiry"};

int main(int argc, char **argv) {
    FILE *f;
    vcase c;
    unsigned long expected = 0, ran = 0, failed = 0, unknown_cases = 0, runs[K_COUNT] = {0}, fails[K_COUNT] = {0};
    int r, k;

    if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: test_vectors FLATTENED_VECTORS (from flatten_vectors.py)\n");
        return 2;
    }
    if (fscanf(f, "atlscim-vectors 2 %lu", &expected) != 1 || fgetc(f) != '\n') {
        fprintf(stderr, "%s: not a flattened vector file (version 2)\n", argv[1]);
        fclose(f);
        return 2;
    }
    while ((r = read_case(f, &c)) == 1) {
        int ok;
        ran++;
        if (strcmp(c.kind, "check") == 0) k = K_CHECK, ok = run_check(&c);
        else if (strcmp(c.kind, "patch") == 0) k = K_PATCH, ok = run_patch(&c);
        else if (strcmp(c.kind, "diff") == 0) k = K_DIFF, ok = run_diff(&c);
        else if (strcmp(c.kind, "batch") == 0) k = K_BATCH, ok = run_batch(&c);
        else if (strcmp(c.kind, "response") == 0) k = K_RESPONSE, ok = run_response(&c);
        else if (strcmp(c.kind, "map_user") == 0) k = K_MAP_USER, ok = run_map(&c, 0);
        else if (strcmp(c.kind, "map_group") == 0) k = K_MAP_GROUP, ok = run_map(&c, 1);
        else if (is_normalizer(c.kind)) k = K_NORMALIZERS, ok = run_normalizer(&c);
        else if (strcmp(c.kind, "rule") == 0) k = K_RULE, ok = run_rule(&c);
        else if (strcmp(c.kind, "key_expiry") == 0) k = K_KEY_EXPIRY, ok = run_key_expiry(&c);
        else {
            fprintf(stderr, "FAIL %s: a kind the C test does not run (%s)\n", c.name, c.kind);
            unknown_cases++;
            k = -1, ok = 0;
        }
        if (k >= 0) runs[k]++;
        if (!ok) {
            failed++;
            if (k >= 0) fails[k]++;
        }
        case_free(&c);
    }
    case_free(&c);
    fclose(f);
    if (r < 0) {
        fprintf(stderr, "%s: malformed after case %lu\n", argv[1], ran);
        return 1;
    }
    printf("shared vectors (C): %lu cases run, %lu failures, %lu vector files and %lu cases of an unknown kind\n", ran,
           failed, unknown_kinds, unknown_cases);
    for (k = 0; k < K_COUNT; k++) {
        printf("  %-12s %4lu cases, %lu failed\n", kind_names[k], runs[k], fails[k]);
        if (k == K_BATCH) printf("  %-12s %4lu requests in those batches\n", "", batch_requests);
    }
    if (ran != expected || ran == 0) {
        fprintf(stderr, "expected %lu cases, ran %lu\n", expected, ran);
        return 1;
    }
    for (k = 0; k < K_COUNT; k++) {
        if (runs[k] == 0) {
            fprintf(stderr, "no %s cases: the vectors of a kind went missing\n", kind_names[k]);
            return 1;
        }
    }
    return failed == 0 && unknown_kinds == 0 && expect_failures == 0 ? 0 : 1;
}
