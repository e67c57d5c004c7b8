/* Recursion ceilings through the C ABI, on a 1 MiB stack (appliances run checks on small
 * stacks): the deepest input each limit accepts, in a GET filter, a PATCH path value filter and a
 * JSON body, is checked and applied on a thread whose stack is 1 MiB; one level past the ceiling
 * is a located issue; a config over a ceiling is refused naming the key and the ceiling; a long
 * and/or chain and a wide remove-by-value are one flat node. An overflow would be a SIGSEGV
 * (never ATLSCIM_STATUS_PANIC), so surviving is part of the test.
 *
 * Usage: test_recursion */

#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"

#define STACK_BYTES (1024 * 1024)
#define FILTER_CEILING 64
#define DEPTH_CEILING 100
/* Enough to overflow 1 MiB many times over were a chain a nested pair per operator (as it was),
 * and few enough for valgrind to run quickly. */
#define CHAIN_TERMS 20000
#define WIDE_MEMBERS 30000

static const char raised[] = "{\"profile\":\"rfc\",\"limits\":{\"max_filter_depth\":64,\"max_filter_terms\":1000000,"
                             "\"max_filter_length\":100000000,\"max_string_bytes\":100000000}}";
static const char group[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"id\":\"g1\","
                            "\"displayName\":\"staff\",\"members\":[{\"value\":\"u1\"},{\"value\":\"u2\"}]}";

/* A growing string; running out of memory ends the test. */
typedef struct {
    char *data;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n) {
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        if ((t->data = realloc(t->data, t->cap)) == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void puts_(text *t, const char *s) {
    put(t, s, strlen(s));
}

static void repeat(text *t, const char *s, size_t times) {
    size_t i;
    for (i = 0; i < times; i++) puts_(t, s);
}

/* A filter nested `depth` levels, each costing the most stack a level can (as in
 * core/tests/recursion.rs): a value filter, then `not (… and a pr or b pr)` around it. */
static text deepest_filter(size_t depth) {
    text t = {NULL, 0, 0};
    repeat(&t, "not (", depth - 1);
    puts_(&t, "emails[type eq \"work\" and value pr or primary eq true]");
    repeat(&t, " and a pr or b pr)", depth - 1);
    return t;
}

/* "/Users?filter=" and the filter, its spaces and quotes percent-encoded. */
static text get_path(const text *filter) {
    text t = {NULL, 0, 0};
    size_t i;
    puts_(&t, "/Users?filter=");
    for (i = 0; i < filter->len; i++) {
        char c = filter->data[i];
        if (c == ' ') puts_(&t, "%20");
        else if (c == '"') puts_(&t, "%22");
        else put(&t, &c, 1);
    }
    return t;
}

/* A PatchOp removing members[((…(value eq "u1")…))], nested `depth` levels with the brackets. */
static text member_patch(size_t depth) {
    text t = {NULL, 0, 0};
    puts_(&t, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
              "\"Operations\":[{\"op\":\"remove\",\"path\":\"members[");
    repeat(&t, "(", depth - 1);
    puts_(&t, "value eq \\\"u1\\\"");
    repeat(&t, ")", depth - 1);
    puts_(&t, "]\"}]}");
    return t;
}

static atlscim_profile *profile_of(const char *config) {
    atlscim_profile *p = NULL;
    if (atlscim_profile_new(config, strlen(config), &p, NULL) != ATLSCIM_STATUS_OK) {
        fprintf(stderr, "config refused: %s\n", config);
        exit(2);
    }
    return p;
}

/* Checks a request; returns its report (the caller frees it), or NULL when the call failed. */
static atlscim_report *check(const atlscim_profile *p, const char *method, const char *path, size_t path_len,
                             const text *body, const char *current) {
    atlscim_request request = {method, strlen(method), path, path_len, NULL, 0, current,
                               current ? strlen(current) : 0};
    atlscim_report *report = NULL;
    if (body != NULL) {
        request.body = body->data;
        request.body_len = body->len;
    }
    if (!EXPECT(atlscim_profile_check(p, &request, &report, NULL) == ATLSCIM_STATUS_OK)) return NULL;
    return report;
}

/* Whether the report has exactly one issue, of `rule`, at `pointer`. */
static int only_issue(const atlscim_report *r, const char *rule, const char *pointer) {
    const atlscim_issue *issue = atlscim_report_issue(r, 0);
    return atlscim_report_issue_count(r) == 1 && str_is(atlscim_issue_rule(issue), rule) &&
           str_is(atlscim_issue_pointer(issue), pointer);
}

static void filters_at_the_ceiling(void) {
    atlscim_profile *p = profile_of(raised);
    atlscim_report *r;
    atlscim_bytes out = {NULL, 0};
    text f = deepest_filter(FILTER_CEILING), path = get_path(&f), patch;

    /* A GET filter at the ceiling is accepted; one level more is RFC-F-001 at the filter. */
    if ((r = check(p, "GET", path.data, path.len, NULL, NULL)) != NULL) {
        EXPECT(atlscim_report_valid(r) && atlscim_report_issue_count(r) == 0);
        atlscim_report_free(r);
    }
    free(f.data), free(path.data);
    f = deepest_filter(FILTER_CEILING + 1), path = get_path(&f);
    if ((r = check(p, "GET", path.data, path.len, NULL, NULL)) != NULL) {
        EXPECT(only_issue(r, "RFC-F-001", "/filter"));
        atlscim_report_free(r);
    }
    free(f.data), free(path.data);

    /* A PATCH path value filter at the ceiling is checked and applied; one more is RFC-P-002. */
    patch = member_patch(FILTER_CEILING);
    if ((r = check(p, "PATCH", "/Groups/g1", 10, &patch, group)) != NULL) {
        EXPECT(atlscim_report_valid(r));
        atlscim_report_free(r);
    }
    EXPECT(atlscim_profile_apply_patch(p, ATLSCIM_RESOURCE_TYPE_GROUP, group, strlen(group), patch.data, patch.len,
                                       &out, NULL) == ATLSCIM_STATUS_OK &&
           bytes_has(out, "\"members\":[{\"value\":\"u2\"}]"));
    atlscim_bytes_free(&out);
    free(patch.data);
    patch = member_patch(FILTER_CEILING + 1);
    if ((r = check(p, "PATCH", "/Groups/g1", 10, &patch, group)) != NULL) {
        EXPECT(only_issue(r, "RFC-P-002", "/Operations/0/path"));
        atlscim_report_free(r);
    }
    free(patch.data);
    atlscim_profile_free(p);

    /* On its own a filter parses with the default limits: 32 levels, printed and evaluated. */
    {
        atlscim_filter *filter = NULL;
        bool matched = true;
        f = deepest_filter(32);
        EXPECT(atlscim_filter_parse(f.data, f.len, false, &filter, NULL) == ATLSCIM_STATUS_OK);
        EXPECT(atlscim_filter_to_string(filter, &out, NULL) == ATLSCIM_STATUS_OK && out.len > 0);
        atlscim_bytes_free(&out);
        EXPECT(atlscim_filter_to_json(filter, &out, NULL) == ATLSCIM_STATUS_OK && bytes_has(out, "\"op\":\"not\""));
        atlscim_bytes_free(&out);
        /* Each level is `not (… or b pr)`: false when b is present. */
        EXPECT(atlscim_filter_matches(filter, "{\"b\":\"x\"}", 9, &matched, NULL) == ATLSCIM_STATUS_OK && !matched);
        atlscim_filter_free(filter);
        free(f.data);
    }
}

static void chains_are_flat(void) {
    atlscim_profile *p = profile_of(raised);
    const char *ops[2] = {" or ", " and "};
    int k;
    for (k = 0; k < 2; k++) {
        text f = {NULL, 0, 0}, path, patch = {NULL, 0, 0};
        atlscim_report *r;
        atlscim_bytes out = {NULL, 0};
        char term[32];
        size_t i;
        for (i = 0; i < CHAIN_TERMS; i++) {
            if (i > 0) puts_(&f, ops[k]);
            sprintf(term, "value eq \"u%lu\"", (unsigned long)i);
            puts_(&f, term);
        }
        path = get_path(&f);
        if ((r = check(p, "GET", path.data, path.len, NULL, NULL)) != NULL) {
            EXPECT(atlscim_report_valid(r));
            atlscim_report_free(r);
        }
        /* The chain as a PATCH path value filter, applied: `or` removes both members. */
        puts_(&patch, "{\"Operations\":[{\"op\":\"remove\",\"path\":\"members[");
        for (i = 0; i < f.len; i++) {
            if (f.data[i] == '"') puts_(&patch, "\\");
            put(&patch, &f.data[i], 1);
        }
        puts_(&patch, "]\"}]}");
        if ((r = check(p, "PATCH", "/Groups/g1", 10, &patch, group)) != NULL) {
            EXPECT(atlscim_report_valid(r));
            atlscim_report_free(r);
        }
        EXPECT(atlscim_profile_apply_patch(p, ATLSCIM_RESOURCE_TYPE_GROUP, group, strlen(group), patch.data,
                                           patch.len, &out, NULL) == ATLSCIM_STATUS_OK &&
               (k == 0) == (strstr(out.data, "members") == NULL));
        atlscim_bytes_free(&out);
        free(f.data), free(path.data), free(patch.data);
    }
    atlscim_profile_free(p);
}

static void json_at_the_ceiling(void) {
    atlscim_profile *p = profile_of("{\"limits\":{\"max_depth\":100}}");
    atlscim_report *r;
    text body = {NULL, 0, 0};

    /* {"x": [[…]]}: the object is level 1, each array one more; 100 levels are read. */
    puts_(&body, "{\"x\":");
    repeat(&body, "[", DEPTH_CEILING - 1);
    repeat(&body, "]", DEPTH_CEILING - 1);
    puts_(&body, "}");
    if ((r = check(p, "POST", "/Users", 6, &body, NULL)) != NULL) {
        size_t i;
        for (i = 0; i < atlscim_report_issue_count(r); i++) {
            EXPECT(!str_is(atlscim_issue_rule(atlscim_report_issue(r, i)), "RFC-J-003"));
        }
        atlscim_report_free(r);
    }
    free(body.data);

    /* A PATCH nested 10,000 deep is refused at the limit, located. */
    body.data = NULL, body.len = body.cap = 0;
    puts_(&body, "{\"Operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":");
    repeat(&body, "[", 10000);
    repeat(&body, "]", 10000);
    puts_(&body, "}]}");
    if ((r = check(p, "PATCH", "/Users/u1", 9, &body, NULL)) != NULL) {
        EXPECT(only_issue(r, "RFC-J-003", "/Operations/0/value/0"));
        atlscim_report_free(r);
    }
    free(body.data);
    atlscim_profile_free(p);
}

/* A remove-by-value whose value has many members is one flat `and`, not a chain that deep. */
static void wide_remove_by_value(void) {
    atlscim_profile *p = atlscim_profile_atlassian();
    const char current[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"u1\","
                           "\"userName\":\"a@example.com\",\"emails\":[{\"value\":\"a@example.com\",\"primary\":true}],"
                           "\"phoneNumbers\":[{\"value\":\"+1 555 0100\"}]}";
    text patch = {NULL, 0, 0};
    atlscim_report *r;
    atlscim_bytes out = {NULL, 0};
    char member[32];
    unsigned long i;
    puts_(&patch, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\","
                  "\"path\":\"phoneNumbers\",\"value\":[{");
    for (i = 0; i < WIDE_MEMBERS; i++) {
        sprintf(member, "%s\"k%lu\":\"x\"", i ? "," : "", i);
        puts_(&patch, member);
    }
    puts_(&patch, "}]}]}");
    if ((r = check(p, "PATCH", "/Users/u1", 9, &patch, current)) != NULL) {
        EXPECT(atlscim_report_issue_count(r) > 0);
        atlscim_report_free(r);
    }
    atlscim_profile_apply_patch(p, ATLSCIM_RESOURCE_TYPE_USER, current, strlen(current), patch.data, patch.len, &out,
                                NULL);
    atlscim_bytes_free(&out);
    free(patch.data);
    atlscim_profile_free(p);
}

static void ceilings_in_the_config(void) {
    const char *configs[3][3] = {
        {"{\"limits\":{\"max_filter_depth\":65}}", "limits.max_filter_depth", "at most 64"},
        {"{\"limits\":{\"max_depth\":101}}", "limits.max_depth", "at most 100"},
        {"{\"limits\":{\"max_retry_after\":31536001}}", "limits.max_retry_after", "at most 31536000"},
    };
    int i;
    for (i = 0; i < 3; i++) {
        atlscim_profile *p = NULL;
        atlscim_error *err = NULL;
        EXPECT(atlscim_profile_new(configs[i][0], strlen(configs[i][0]), &p, &err) == ATLSCIM_STATUS_INVALID_CONFIG);
        EXPECT(p == NULL && str_is(atlscim_error_key(err), configs[i][1]));
        EXPECT(str_has(atlscim_error_message(err), configs[i][2]));
        atlscim_error_free(err);
    }
}

static void *run(void *arg) {
    (void)arg;
    filters_at_the_ceiling();
    chains_are_flat();
    json_at_the_ceiling();
    wide_remove_by_value();
    ceilings_in_the_config();
    return NULL;
}

int main(void) {
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, STACK_BYTES) != 0 ||
        pthread_create(&thread, &attr, run, NULL) != 0 || pthread_join(thread, NULL) != 0) {
        fprintf(stderr, "test_recursion: cannot run a thread with a 1 MiB stack\n");
        return 2;
    }
    pthread_attr_destroy(&attr);
    if (expect_failures > 0) {
        fprintf(stderr, "test_recursion: %d failures\n", expect_failures);
        return 1;
    }
    printf("test_recursion: ok (on a 1 MiB stack)\n");
    return 0;
}
