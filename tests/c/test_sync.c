/* The C ABI's sync calls (atlscim_plan_*, atlscim_sync_*): a plan made and read back, an executor
 * driven through the answers Atlassian gives (201, 429, 503, a lost answer, the 409 after a retry,
 * 401), its state saved and resumed, and every documented failure (status, reason, out-parameters
 * reset). Every output is freed here, so that AddressSanitizer and valgrind see any leak. The HTTP
 * is simulated: test_sync_server.c runs a whole sync against `atlscim serve`. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"

#define LEN(s) (sizeof(s) - 1)

/* One user in one group, neither in Atlassian yet: create the group, create the user, add them. */
static const char DESIRED[] =
    "{\"Users\":[{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"externalId\":\"e1\","
    "\"userName\":\"ada@example.com\",\"emails\":[{\"value\":\"ada@example.com\",\"type\":\"work\",\"primary\":true}]}],"
    "\"Groups\":[{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"externalId\":\"g1\","
    "\"displayName\":\"Engineering\",\"members\":[{\"value\":\"e1\"}]}]}";
static const char CURRENT[] = "{\"Users\":[],\"Groups\":[]}";

/* An error out-parameter that is not NULL: a call must reset it. */
#define NOT_NULL_ERROR ((atlscim_error *)&expect_failures)

static atlscim_plan *make_plan(atlscim_profile *profile) {
    atlscim_plan *plan = NULL;
    EXPECT(atlscim_plan_new(profile, DESIRED, LEN(DESIRED), CURRENT, LEN(CURRENT), NULL, 0, &plan, NULL) ==
           ATLSCIM_STATUS_OK);
    return plan;
}

/* The value of header `name` in a send action, or an absent view. */
static atlscim_str header(const atlscim_sync_action *a, const char *name) {
    atlscim_str none = {NULL, 0};
    size_t i;
    for (i = 0; i < a->header_count; i++) {
        if (a->headers[i].name_len == strlen(name) && memcmp(a->headers[i].name, name, strlen(name)) == 0) {
            atlscim_str v;
            v.data = a->headers[i].value;
            v.len = a->headers[i].value_len;
            return v;
        }
    }
    return none;
}

/* Feeds an answer with no headers. */
static atlscim_status feed(atlscim_sync *sync, uint16_t status, const char *body, double now) {
    return atlscim_sync_feed(sync, status, body, body ? strlen(body) : 0, NULL, 0, now, NULL);
}

static void test_plan(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_plan *plan = make_plan(profile), *again = make_plan(profile), *read = NULL;
    atlscim_str json = atlscim_plan_json(plan), json2 = atlscim_plan_json(again);
    atlscim_error *err = NOT_NULL_ERROR;

    EXPECT(atlscim_plan_step_count(plan) == 3);
    EXPECT(str_has(json, "\"kind\":\"create_group\"") && str_has(json, "\"path\":\"/Groups/${s1}\""));
    EXPECT(atlscim_plan_refusal(plan).data == NULL);
    /* Deterministic: the same inputs give the same text, byte for byte. */
    EXPECT(json.len == json2.len && memcmp(json.data, json2.data, json.len) == 0);
    /* A saved plan reads back as the same plan. */
    EXPECT(atlscim_plan_from_json(json.data, json.len, &read, &err) == ATLSCIM_STATUS_OK && err == NULL);
    if (EXPECT(read != NULL)) {
        atlscim_str back = atlscim_plan_json(read);
        EXPECT(back.len == json.len && memcmp(back.data, json.data, json.len) == 0);
    }
    /* Desired and current as NDJSON, one resource a line, give the same plan. */
    {
        const char ndjson[] =
            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"externalId\":\"e1\","
            "\"userName\":\"ada@example.com\",\"emails\":[{\"value\":\"ada@example.com\",\"type\":\"work\",\"primary\":true}]}\n"
            "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"externalId\":\"g1\","
            "\"displayName\":\"Engineering\",\"members\":[{\"value\":\"e1\"}]}\n";
        atlscim_plan *nd = NULL;
        EXPECT(atlscim_plan_new(profile, ndjson, LEN(ndjson), NULL, 0, NULL, 0, &nd, NULL) == ATLSCIM_STATUS_OK);
        if (EXPECT(nd != NULL)) {
            atlscim_str t = atlscim_plan_json(nd);
            EXPECT(t.len == json.len && memcmp(t.data, json.data, json.len) == 0);
        }
        atlscim_plan_free(nd);
    }
    atlscim_plan_free(read);
    atlscim_plan_free(again);
    atlscim_plan_free(plan);
    atlscim_profile_free(profile);
}

/* A saved plan checked against a fresh export: nothing drifted, then the names it creates taken. */
static void test_plan_drift(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_plan *plan = make_plan(profile);
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;
    const char taken[] =
        "{\"Users\":[{\"id\":\"u9\",\"userName\":\"Ada@example.com\"}],"
        "\"Groups\":[{\"id\":\"g9\",\"displayName\":\"engineering\",\"members\":[]}]}";
    const char want[] = "[\"s1: the group name \\\"Engineering\\\" is taken now\","
                        "\"s2: the userName \\\"ada@example.com\\\" is taken now\"]";

    EXPECT(atlscim_plan_drift(plan, CURRENT, LEN(CURRENT), &out, &err) == ATLSCIM_STATUS_OK && err == NULL);
    EXPECT(out.len == 2 && memcmp(out.data, "[]", 2) == 0);
    atlscim_bytes_free(&out);
    EXPECT(atlscim_plan_drift(plan, taken, LEN(taken), &out, NULL) == ATLSCIM_STATUS_OK);
    if (!EXPECT(out.len == LEN(want) && memcmp(out.data, want, out.len) == 0)) {
        fprintf(stderr, "  drift: %.*s\n", (int)out.len, (const char *)out.data);
    }
    atlscim_bytes_free(&out);
    EXPECT(atlscim_plan_drift(plan, "[1]", 3, &out, &err) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    EXPECT(out.data == NULL);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "input"));
    atlscim_error_free(err);
    EXPECT(atlscim_plan_drift(NULL, NULL, 0, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_plan_free(plan);
    atlscim_profile_free(profile);
}

/* The paged read: paths to GET, each page's resources, the end at totalResults. */
static void test_pager(void) {
    atlscim_pager *pager = NULL;
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;
    const char first[] = "{\"totalResults\":3,\"Resources\":[{\"id\":\"a\"},{\"id\":\"b\"}]}";
    const char second[] = "{\"totalResults\":3,\"Resources\":[{\"id\":\"c\"}]}";

    EXPECT(atlscim_pager_new("Users", 5, 2, &pager, &err) == ATLSCIM_STATUS_OK && err == NULL);
    if (!EXPECT(pager != NULL)) return;
    EXPECT(atlscim_pager_next_path(pager, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(out, "/Users?startIndex=1&count=2"));
    atlscim_bytes_free(&out);
    EXPECT(atlscim_pager_feed(pager, first, LEN(first), &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(out, "[{\"id\":\"a\"},{\"id\":\"b\"}]"));
    atlscim_bytes_free(&out);
    EXPECT(atlscim_pager_next_path(pager, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(out, "/Users?startIndex=3&count=2"));
    atlscim_bytes_free(&out);
    EXPECT(atlscim_pager_feed(pager, "<html>", 6, &out, &err) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "input"));
    atlscim_error_free(err);
    EXPECT(atlscim_pager_feed(pager, second, LEN(second), &out, NULL) == ATLSCIM_STATUS_OK);
    atlscim_bytes_free(&out);
    /* Done: no path. */
    EXPECT(atlscim_pager_next_path(pager, &out, NULL) == ATLSCIM_STATUS_OK && out.data == NULL && out.len == 0);
    EXPECT(atlscim_pager_next_path(NULL, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_pager_free(pager);
}

static void test_plan_failures(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_plan *plan = (atlscim_plan *)&expect_failures;
    atlscim_error *err = NOT_NULL_ERROR;
    const char not_resources[] = "[1, 2]";
    const char bad_options[] = "{\"max_removal\": 3}";
    const char other_format[] = "{\"format\": 99, \"steps\": []}";

    EXPECT(atlscim_plan_new(profile, not_resources, LEN(not_resources), NULL, 0, NULL, 0, &plan, &err) ==
           ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    EXPECT(plan == NULL);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_reason(err), "input"));
        EXPECT(str_has(atlscim_error_message(err), "desired"));
    }
    atlscim_error_free(err);

    /* A misspelt option is refused, not ignored: it would switch a guard rail off silently. */
    EXPECT(atlscim_plan_new(profile, DESIRED, LEN(DESIRED), NULL, 0, bad_options, LEN(bad_options), &plan, &err) ==
           ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_reason(err), "options"));
        EXPECT(str_has(atlscim_error_message(err), "max_removal"));
    }
    atlscim_error_free(err);

    EXPECT(atlscim_plan_from_json(other_format, LEN(other_format), &plan, &err) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "format"));
    atlscim_error_free(err);
    EXPECT(atlscim_plan_from_json("{", 1, &plan, &err) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "json"));
    atlscim_error_free(err);

    EXPECT(atlscim_plan_new(NULL, DESIRED, LEN(DESIRED), NULL, 0, NULL, 0, &plan, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_plan_new(profile, NULL, 5, NULL, 0, NULL, 0, &plan, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_plan_new(profile, DESIRED, LEN(DESIRED), NULL, 0, NULL, 0, NULL, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_plan_new(profile, "\xff", 1, NULL, 0, NULL, 0, &plan, NULL) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_plan_json(NULL).data == NULL && atlscim_plan_step_count(NULL) == 0);
    EXPECT(atlscim_plan_refusal(NULL).data == NULL);
    atlscim_plan_free(NULL);
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_PLAN_REFUSED), "plan refused by a guard rail") == 0);
    atlscim_profile_free(profile);
}

/* A guard rail: deactivating 20 of 20 users is over max_removal_share; the plan is made (its risk
 * report readable) but no executor runs it. */
static void test_refused_plan(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    char current[8192];
    size_t at = 0;
    int i;
    atlscim_plan *plan = NULL;
    atlscim_sync *sync = (atlscim_sync *)&expect_failures;
    atlscim_error *err = NULL;
    const char keep_going[] = "{\"allow_removals\": true}";

    at += (size_t)snprintf(current + at, sizeof current - at, "{\"Users\":[");
    for (i = 0; i < 20; i++) {
        at += (size_t)snprintf(current + at, sizeof current - at,
                               "%s{\"id\":\"id%d\",\"externalId\":\"x%d\",\"userName\":\"u%d@example.com\",\"active\":true,"
                               "\"emails\":[{\"value\":\"u%d@example.com\",\"primary\":true}]}",
                               i ? "," : "", i, i, i, i);
    }
    at += (size_t)snprintf(current + at, sizeof current - at, "]}");
    EXPECT(atlscim_plan_new(profile, CURRENT, LEN(CURRENT), current, at, NULL, 0, &plan, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_plan_refusal(plan).len > 0);
    EXPECT(str_has(atlscim_plan_json(plan), "\"refusal\":{\"guard\":"));
    EXPECT(atlscim_sync_new(plan, NULL, 0, &sync, &err) == ATLSCIM_STATUS_PLAN_REFUSED);
    EXPECT(sync == NULL);
    if (EXPECT(err != NULL)) {
        atlscim_str reason = atlscim_error_reason(err);
        EXPECT(str_is(reason, "removal_share") || str_is(reason, "too_many_removals"));
    }
    atlscim_error_free(err);
    atlscim_plan_free(plan);

    /* Told to go past the limits, the plan deactivates all 20 and runs. */
    EXPECT(atlscim_plan_new(profile, CURRENT, LEN(CURRENT), current, at, keep_going, LEN(keep_going), &plan, NULL) ==
           ATLSCIM_STATUS_OK);
    EXPECT(atlscim_plan_refusal(plan).data == NULL && atlscim_plan_step_count(plan) == 20);
    EXPECT(atlscim_sync_new(plan, NULL, 0, &sync, NULL) == ATLSCIM_STATUS_OK);
    atlscim_sync_free(sync);
    atlscim_plan_free(plan);
    atlscim_profile_free(profile);
}

/* The whole conversation: every kind of answer, and the ids of created resources substituted. */
static void test_executor(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_plan *plan = make_plan(profile);
    atlscim_sync *sync = NULL;
    atlscim_sync_action a;
    atlscim_bytes state = {NULL, 0}, counts = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;
    atlscim_header retry_after = {"Retry-After", 11, "7", 1};
    const char options[] = "{\"jitter_seed\": 42, \"backoff_base\": 2}";

    EXPECT(atlscim_sync_new(plan, options, LEN(options), &sync, &err) == ATLSCIM_STATUS_OK && err == NULL);
    atlscim_plan_free(plan); /* the executor holds its own copy */

    /* s1: create the group; 429 says wait 7 s. */
    EXPECT(atlscim_sync_next(sync, 100.0, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(a.kind == ATLSCIM_SYNC_ACTION_KIND_SEND && str_is(a.step, "s1") && str_is(a.method, "POST"));
    EXPECT(str_is(a.path, "/Groups") && str_has(a.body, "\"displayName\":\"Engineering\""));
    EXPECT(str_is(header(&a, "Content-Type"), "application/scim+json"));
    EXPECT(header(&a, "Authorization").data == NULL); /* the executor never sees the token */
    EXPECT(atlscim_sync_feed(sync, 429, "", 0, &retry_after, 1, 100.5, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 101.0, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(a.kind == ATLSCIM_SYNC_ACTION_KIND_WAIT && a.wait_seconds > 6.4 && a.wait_seconds < 6.6);
    EXPECT(a.step.data == NULL && a.headers == NULL && a.header_count == 0);
    EXPECT(atlscim_sync_next(sync, 108.0, &a, NULL) == ATLSCIM_STATUS_OK && str_is(a.step, "s1"));
    EXPECT(feed(sync, 201, "{\"id\":\"g-42\",\"displayName\":\"Engineering\"}", 108.1) == ATLSCIM_STATUS_OK);

    /* s2: create the user; a 503, then no answer at all, then the retry meets the 409 its lost
     * predecessor caused: the executor looks the user up and adopts it. */
    EXPECT(atlscim_sync_next(sync, 109.0, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(str_is(a.step, "s2") && str_is(a.path, "/Users"));
    EXPECT(feed(sync, 503, NULL, 109.1) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 109.2, &a, NULL) == ATLSCIM_STATUS_OK);
    /* backoff_base 2 s times a jitter in [0.5, 1) */
    EXPECT(a.kind == ATLSCIM_SYNC_ACTION_KIND_WAIT && a.wait_seconds >= 0.9 && a.wait_seconds < 1.9);
    EXPECT(atlscim_sync_next(sync, 200.0, &a, NULL) == ATLSCIM_STATUS_OK && str_is(a.step, "s2"));
    EXPECT(feed(sync, 0, NULL, 200.5) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 300.0, &a, NULL) == ATLSCIM_STATUS_OK && str_is(a.method, "POST"));
    EXPECT(feed(sync, 409, "{\"status\":\"409\",\"scimType\":\"uniqueness\"}", 300.1) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 300.2, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(str_is(a.step, "s2") && str_is(a.method, "GET") && str_has(a.path, "/Users?filter=userName"));
    EXPECT(a.body.data == NULL);
    EXPECT(feed(sync, 200,
                "{\"totalResults\":1,\"Resources\":[{\"id\":\"u-7\",\"externalId\":\"e1\",\"userName\":\"ada@example.com\"}]}",
                300.3) == ATLSCIM_STATUS_OK);

    /* s3: the membership PATCH names both created resources by their ids. */
    EXPECT(atlscim_sync_next(sync, 301.0, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(str_is(a.step, "s3") && str_is(a.method, "PATCH") && str_is(a.path, "/Groups/g-42"));
    EXPECT(str_has(a.body, "{\"value\":\"u-7\"}") && !str_has(a.body, "${"));
    EXPECT(atlscim_sync_state_json(sync, &state, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(state, "\"inFlight\":true")); /* recorded before it is handed out */
    atlscim_bytes_free(&state);
    EXPECT(feed(sync, 204, NULL, 301.2) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 302.0, &a, NULL) == ATLSCIM_STATUS_OK && a.kind == ATLSCIM_SYNC_ACTION_KIND_DONE);

    EXPECT(atlscim_sync_outcomes_json(sync, &counts, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(counts, "{\"adopted\":1,\"applied\":2}"));
    atlscim_bytes_free(&counts);
    EXPECT(atlscim_sync_state_json(sync, &state, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(state, "\"resourceId\":\"u-7\"") && bytes_has(state, "\"resourceId\":\"g-42\""));
    atlscim_bytes_free(&state);

    /* Nothing is outstanding now: a stray answer is refused and changes nothing. */
    EXPECT(atlscim_sync_feed(sync, 200, NULL, 0, NULL, 0, 303.0, &err) == ATLSCIM_STATUS_NOTHING_OUTSTANDING);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "feed"));
    atlscim_error_free(err);
    atlscim_sync_free(sync);
    atlscim_profile_free(profile);
}

/* A crash after a create was handed out: the resumed run looks it up before sending it again. */
static void test_resume(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_plan *plan = make_plan(profile), *other = NULL;
    atlscim_sync *sync = NULL, *resumed = (atlscim_sync *)&expect_failures;
    atlscim_sync_action a;
    atlscim_bytes state = {NULL, 0};
    atlscim_error *err = NULL;
    const char other_desired[] = "{\"Users\":[],\"Groups\":[{\"displayName\":\"Sales\",\"externalId\":\"g2\"}]}";

    EXPECT(atlscim_sync_new(plan, NULL, 0, &sync, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(sync, 1.0, &a, NULL) == ATLSCIM_STATUS_OK && str_is(a.step, "s1"));
    EXPECT(atlscim_sync_state_json(sync, &state, NULL) == ATLSCIM_STATUS_OK);
    atlscim_sync_free(sync); /* the crash: the answer never came */

    EXPECT(atlscim_sync_resume(plan, NULL, 0, state.data, state.len, &resumed, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL);
    EXPECT(atlscim_sync_next(resumed, 2.0, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(str_is(a.step, "s1") && str_is(a.method, "GET") && str_has(a.path, "/Groups?filter=displayName"));
    /* Not there: the create was never applied, so it is sent now. */
    EXPECT(feed(resumed, 200, "{\"totalResults\":0,\"Resources\":[]}", 2.1) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(resumed, 2.2, &a, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(str_is(a.step, "s1") && str_is(a.method, "POST"));
    /* 401: the run stops; nothing else is sent. */
    EXPECT(feed(resumed, 401, "{\"error\":\"expired\"}", 2.3) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_sync_next(resumed, 2.4, &a, NULL) == ATLSCIM_STATUS_OK && a.kind == ATLSCIM_SYNC_ACTION_KIND_DONE);
    atlscim_bytes_free(&state);
    EXPECT(atlscim_sync_state_json(resumed, &state, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(state, "\"stopped\":\"") && bytes_has(state, "\"outcome\":\"not_run\""));
    atlscim_sync_free(resumed);

    /* A state belongs to its plan. */
    EXPECT(atlscim_plan_new(profile, other_desired, LEN(other_desired), NULL, 0, NULL, 0, &other, NULL) ==
           ATLSCIM_STATUS_OK);
    resumed = (atlscim_sync *)&expect_failures;
    EXPECT(atlscim_sync_resume(other, NULL, 0, state.data, state.len, &resumed, &err) ==
           ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    EXPECT(resumed == NULL);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "state"));
    atlscim_error_free(err);
    EXPECT(atlscim_sync_resume(plan, NULL, 0, "{}", 2, &resumed, &err) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_reason(err), "json"));
    atlscim_error_free(err);
    EXPECT(atlscim_sync_resume(plan, NULL, 0, NULL, 0, &resumed, NULL) == ATLSCIM_STATUS_INVALID_SYNC_INPUT);
    atlscim_bytes_free(&state);

    /* NULLs. */
    EXPECT(atlscim_sync_new(NULL, NULL, 0, &resumed, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_sync_next(NULL, 0.0, &a, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(a.kind == ATLSCIM_SYNC_ACTION_KIND_DONE && a.step.data == NULL);
    EXPECT(atlscim_sync_feed(NULL, 200, NULL, 0, NULL, 0, 0.0, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_sync_state_json(NULL, &state, NULL) == ATLSCIM_STATUS_NULL_PARAMETER && state.data == NULL);
    atlscim_sync_free(NULL);
    atlscim_plan_free(other);
    atlscim_plan_free(plan);
    atlscim_profile_free(profile);
}

int main(void) {
    test_plan();
    test_plan_drift();
    test_pager();
    test_plan_failures();
    test_refused_plan();
    test_executor();
    test_resume();
    if (expect_failures) {
        fprintf(stderr, "test_sync: %d expectations failed\n", expect_failures);
        return 1;
    }
    printf("test_sync: ok\n");
    return 0;
}
