/* The C ABI's contract for everything past check, call by call: PATCH (apply, diff), filters,
 * batches, responses, mapping and the normalizers. For each function: the result, the failure
 * it is documented to give (status and error fields), NULL and bad inputs, out-parameters reset
 * on failure, and every output freed here, so that AddressSanitizer and valgrind see any leak.
 * The shared vectors (test_vectors.c) hold the verdicts; this holds the calls. */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"

#define LEN(s) (sizeof(s) - 1)

static const char USER[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"2819c223\","
    "\"userName\":\"bjensen@example.com\",\"displayName\":\"Barbara Jensen\","
    "\"name\":{\"givenName\":\"Barbara\",\"familyName\":\"Jensen\"},\"active\":true,\"title\":\"Tour Guide\","
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true}]}";
/* Entra ID disables a user: a capitalised op and a boolean as a string. */
static const char DISABLE[] =
    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
    "\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}";
/* Refused: id is read-only (RFC-P-003, 400 mutability). */
static const char REPLACE_ID[] =
    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
    "\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Lead\"},"
    "{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}]}";

/* An error out-parameter that is not NULL: a call must reset it. */
#define NOT_NULL_ERROR ((atlscim_error *)&expect_failures)

static void test_apply_patch(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;

    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), DISABLE, LEN(DISABLE),
                                       &out, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL);
    EXPECT(bytes_has(out, "\"active\":false") && bytes_has(out, "\"title\":\"Tour Guide\""));
    atlscim_bytes_free(&out);

    /* A refused PATCH is a failed call whose error carries the verdict. */
    out.data = (char *)"not reset";
    out.len = 9;
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), REPLACE_ID,
                                       LEN(REPLACE_ID), &out, &err) == ATLSCIM_STATUS_PATCH_REFUSED);
    EXPECT(out.data == NULL && out.len == 0);
    if (EXPECT(err != NULL)) {
        EXPECT(atlscim_error_status(err) == ATLSCIM_STATUS_PATCH_REFUSED);
        EXPECT(str_is(atlscim_error_rule(err), "RFC-P-003"));
        EXPECT(atlscim_error_http_status(err) == 400);
        EXPECT(str_is(atlscim_error_scim_type(err), "mutability"));
        /* The second operation is at fault. */
        EXPECT(strncmp(atlscim_error_pointer(err).data, "/Operations/1", 13) == 0);
        EXPECT(atlscim_error_path(err).len > 0 && atlscim_error_message(err).len > 0);
        EXPECT(str_is(atlscim_error_key(err), "") && atlscim_error_suggestion(err).data == NULL);
    }
    atlscim_error_free(err);

    /* A Group rename is refused by the atlassian profile. */
    {
        static const char group[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"id\":\"g1\","
                                    "\"displayName\":\"Tour Guides\"}";
        static const char rename[] = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                                     "\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"X\"}]}";
        EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_GROUP, group, LEN(group), rename,
                                           LEN(rename), &out, &err) == ATLSCIM_STATUS_PATCH_REFUSED);
        EXPECT(str_is(atlscim_error_rule(err), "ATL-G-002"));
        atlscim_error_free(err);
    }

    /* Inputs. */
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, "{\"id\":", 6, DISABLE, LEN(DISABLE), &out,
                                       &err) == ATLSCIM_STATUS_INVALID_JSON);
    if (EXPECT(err != NULL)) EXPECT(strncmp(atlscim_error_message(err).data, "resource is not valid JSON", 26) == 0);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), "\xff", 1, &out, &err) ==
           ATLSCIM_STATUS_INVALID_JSON);
    if (EXPECT(err != NULL)) EXPECT(strncmp(atlscim_error_message(err).data, "patch is not valid JSON", 23) == 0);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, NULL, 0, DISABLE, LEN(DISABLE), &out,
                                       NULL) == ATLSCIM_STATUS_INVALID_JSON);
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, NULL, 3, DISABLE, LEN(DISABLE), &out,
                                       NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, SIZE_MAX, DISABLE, LEN(DISABLE), &out,
                                       NULL) == ATLSCIM_STATUS_INVALID_LENGTH);
    EXPECT(atlscim_profile_apply_patch(profile, 0, USER, LEN(USER), DISABLE, LEN(DISABLE), &out, &err) ==
           ATLSCIM_STATUS_INVALID_ARGUMENT);
    EXPECT(atlscim_error_status(err) == ATLSCIM_STATUS_INVALID_ARGUMENT);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_apply_patch(profile, 3, USER, LEN(USER), DISABLE, LEN(DISABLE), &out, NULL) ==
           ATLSCIM_STATUS_INVALID_ARGUMENT);
    EXPECT(atlscim_profile_apply_patch(NULL, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), DISABLE, LEN(DISABLE), &out,
                                       &err) == ATLSCIM_STATUS_NULL_PARAMETER);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_message(err), "profile is NULL"));
    atlscim_error_free(err);
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), DISABLE, LEN(DISABLE),
                                       NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(out.data == NULL);
    atlscim_profile_free(profile);
}

static void test_diff(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_bytes patch = {NULL, 0}, applied = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;
    char *desired = malloc(sizeof USER);
    char *title;

    /* The same resource: no PATCH, a successful call with an empty array. */
    EXPECT(atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), USER, LEN(USER), &patch, &err) ==
           ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && patch.data != NULL && strcmp(patch.data, "[]") == 0 && patch.len == 2);
    atlscim_bytes_free(&patch);

    /* A new title: one message of one replace, which turns current into desired. */
    memcpy(desired, USER, sizeof USER);
    title = strstr(desired, "Tour Guide");
    memcpy(title, "Tour Lead!", 10);
    EXPECT(atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), desired, LEN(USER), &patch,
                                NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(patch, "\"op\":\"replace\"") && bytes_has(patch, "\"path\":\"title\""));
    EXPECT(bytes_has(patch, "urn:ietf:params:scim:api:messages:2.0:PatchOp"));
    /* The array's one message: everything between its brackets. */
    EXPECT(patch.len > 2 && patch.data[0] == '[' && patch.data[patch.len - 1] == ']' && !bytes_has(patch, "},{\"Op"));
    EXPECT(atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), patch.data + 1,
                                       patch.len - 2, &applied, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(applied, "\"title\":\"Tour Lead!\""));
    atlscim_bytes_free(&patch);
    atlscim_bytes_free(&applied);
    free(desired);

    EXPECT(atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), "{", 1, &patch, &err) ==
           ATLSCIM_STATUS_INVALID_JSON);
    if (EXPECT(err != NULL)) EXPECT(strncmp(atlscim_error_message(err).data, "desired is not valid JSON", 25) == 0);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_diff(profile, 42, USER, LEN(USER), USER, LEN(USER), &patch, NULL) ==
           ATLSCIM_STATUS_INVALID_ARGUMENT);
    EXPECT(atlscim_profile_diff(NULL, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), USER, LEN(USER), &patch, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), USER, LEN(USER), NULL, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(patch.data == NULL);
    atlscim_profile_free(profile);
}

static void test_filters(void) {
    static const char entra[] = "emails[type eq \"work\"].value eq \"bjensen@example.com\"";
    atlscim_filter *filter = (atlscim_filter *)&expect_failures; /* not NULL: a failed call resets it */
    atlscim_error *err = NOT_NULL_ERROR;
    atlscim_bytes text = {NULL, 0};
    bool matches = false;

    static const char text_in[] = "userName EQ \"bjensen@example.com\"  and not(active eq false)";
    static const char accented[] = "name eq \"\xc3\xa9\" ^"; /* the ^ is character 12, byte 13 */
    EXPECT(atlscim_filter_parse(text_in, LEN(text_in), false, &filter, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && filter != NULL);
    EXPECT(atlscim_filter_to_string(filter, &text, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(text, "userName eq \"bjensen@example.com\" and not (active eq false)"));
    atlscim_bytes_free(&text);
    EXPECT(atlscim_filter_to_json(filter, &text, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(text, "\"op\":\"and\"") && bytes_has(text, "\"op\":\"not\""));
    atlscim_bytes_free(&text);
    EXPECT(atlscim_filter_matches(filter, USER, LEN(USER), &matches, &err) == ATLSCIM_STATUS_OK);
    EXPECT(matches && err == NULL);
    EXPECT(atlscim_filter_matches(filter, "{\"userName\":\"other\"}", 20, &matches, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(!matches);
    /* A resource that is not JSON fails the call, and leaves *out false. */
    matches = true;
    EXPECT(atlscim_filter_matches(filter, "{", 1, &matches, &err) == ATLSCIM_STATUS_INVALID_JSON);
    EXPECT(!matches);
    atlscim_error_free(err);
    EXPECT(atlscim_filter_matches(filter, NULL, 0, &matches, NULL) == ATLSCIM_STATUS_INVALID_JSON);
    EXPECT(atlscim_filter_matches(filter, USER, LEN(USER), NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_filter_matches(NULL, USER, LEN(USER), &matches, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_filter_free(filter);

    /* Entra ID's form: read when lenient, refused when strict. */
    EXPECT(atlscim_filter_parse(entra, LEN(entra), false, &filter, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_filter_to_string(filter, &text, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(text, "emails[type eq \"work\" and value eq \"bjensen@example.com\"]"));
    atlscim_bytes_free(&text);
    EXPECT(atlscim_filter_matches(filter, USER, LEN(USER), &matches, NULL) == ATLSCIM_STATUS_OK && matches);
    atlscim_filter_free(filter);
    EXPECT(atlscim_filter_parse(entra, LEN(entra), true, &filter, &err) == ATLSCIM_STATUS_INVALID_FILTER);
    EXPECT(filter == NULL);
    atlscim_error_free(err);

    /* A filter that does not parse: the error says where, and what a server answers. */
    EXPECT(atlscim_filter_parse("userName eq", 11, false, &filter, &err) == ATLSCIM_STATUS_INVALID_FILTER);
    EXPECT(filter == NULL);
    if (EXPECT(err != NULL)) {
        EXPECT(atlscim_error_offset(err) == 11);
        EXPECT(str_is(atlscim_error_rule(err), "RFC-F-001"));
        EXPECT(atlscim_error_http_status(err) == 400);
        EXPECT(str_is(atlscim_error_scim_type(err), "invalidFilter"));
        EXPECT(strstr(atlscim_error_message(err).data, "character 11") != NULL);
    }
    atlscim_error_free(err);
    /* Offsets count characters, not bytes. */
    EXPECT(atlscim_filter_parse(accented, LEN(accented), false, &filter, &err) == ATLSCIM_STATUS_INVALID_FILTER);
    EXPECT(atlscim_error_offset(err) == 12);
    atlscim_error_free(err);

    EXPECT(atlscim_filter_parse(NULL, 0, false, &filter, NULL) == ATLSCIM_STATUS_INVALID_FILTER);
    EXPECT(atlscim_filter_parse(NULL, 1, false, &filter, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_filter_parse("a eq \"\xff\"", 9, false, &filter, NULL) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_filter_parse("a pr", SIZE_MAX, false, &filter, NULL) == ATLSCIM_STATUS_INVALID_LENGTH);
    EXPECT(atlscim_filter_parse("a pr", 4, false, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_filter_to_string(NULL, &text, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_filter_to_json(NULL, &text, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(text.data == NULL);
}

static atlscim_request request_of(const char *method, const char *path, const char *body) {
    atlscim_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.method_len = strlen(method);
    r.path = path;
    r.path_len = strlen(path);
    r.body = body;
    r.body_len = body ? strlen(body) : 0;
    return r;
}

static const char CREATE_A[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":"
                               "\"a@example.com\",\"emails\":[{\"value\":\"a@example.com\",\"primary\":true}]}";
static const char CREATE_A_AGAIN[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":"
                                     "\"A@Example.com\",\"emails\":[{\"value\":\"b@example.com\",\"primary\":true}]}";

static void test_batches(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_batch *batch = (atlscim_batch *)&expect_failures;
    atlscim_report *first = NULL, *second = NULL, *failed = (atlscim_report *)&expect_failures;
    atlscim_error *err = NOT_NULL_ERROR;
    atlscim_bytes summary = {NULL, 0};
    atlscim_request request;
    const atlscim_issue *issue;

    EXPECT(atlscim_batch_new(profile, &batch, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && batch != NULL);
    /* The batch keeps its own copy of the profile. */
    atlscim_profile_free(profile);

    request = request_of("POST", "/Users", CREATE_A);
    EXPECT(atlscim_batch_check(batch, &request, &first, NULL) == ATLSCIM_STATUS_OK);
    request = request_of("POST", "/Users", CREATE_A_AGAIN);
    EXPECT(atlscim_batch_check(batch, &request, &second, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_report_valid(first));
    EXPECT(!atlscim_report_valid(second) && atlscim_report_status(second) == 409);
    issue = atlscim_report_first_error(second);
    EXPECT(issue != NULL && str_is(atlscim_issue_rule(issue), "ATL-U-007"));

    /* A failed call is not a request of the batch. */
    request = request_of("P\xc3", "/Users", CREATE_A);
    request.method_len = 2;
    EXPECT(atlscim_batch_check(batch, &request, &failed, &err) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(failed == NULL);
    atlscim_error_free(err);

    EXPECT(atlscim_batch_summary_json(batch, &summary, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(summary, "{\"byRule\":{\"ATL-U-007\":1},\"invalid\":1,\"requests\":2,\"valid\":1}"));
    atlscim_bytes_free(&summary);

    EXPECT(atlscim_batch_check(NULL, &request, &failed, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_batch_check(batch, NULL, &failed, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_batch_check(batch, &request, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_batch_summary_json(NULL, &summary, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_batch_summary_json(batch, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    {
        atlscim_batch *none = batch;
        EXPECT(atlscim_batch_new(NULL, &none, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
        EXPECT(none == NULL);
    }
    /* Reports outlive their batch. */
    atlscim_batch_free(batch);
    EXPECT(atlscim_report_status(second) == 409);
    atlscim_report_free(first);
    atlscim_report_free(second);
    profile = atlscim_profile_rfc();
    EXPECT(atlscim_batch_new(profile, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_profile_free(profile);
}

/* Several threads on one batch: the calls take turns, and every request is counted once. */
#define BATCH_THREADS 4
#define BATCH_ROUNDS 25

static void *check_in_batch(void *arg) {
    atlscim_batch *batch = arg;
    atlscim_request request = request_of("POST", "/Users", CREATE_A);
    int i;
    for (i = 0; i < BATCH_ROUNDS; i++) {
        atlscim_report *report = NULL;
        if (atlscim_batch_check(batch, &request, &report, NULL) != ATLSCIM_STATUS_OK) {
            return arg;
        }
        atlscim_report_free(report);
    }
    return NULL;
}

static void test_batch_threads(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_batch *batch = NULL;
    atlscim_bytes summary = {NULL, 0};
    pthread_t threads[BATCH_THREADS];
    char want[128];
    void *result;
    int i;

    EXPECT(atlscim_batch_new(profile, &batch, NULL) == ATLSCIM_STATUS_OK);
    for (i = 0; i < BATCH_THREADS; i++) {
        EXPECT(pthread_create(&threads[i], NULL, check_in_batch, batch) == 0);
    }
    for (i = 0; i < BATCH_THREADS; i++) {
        EXPECT(pthread_join(threads[i], &result) == 0 && result == NULL);
    }
    /* The first is valid, every later one a duplicate (of the userName and of the email). */
    sprintf(want, "{\"byRule\":{\"ATL-U-007\":%d},\"invalid\":%d,\"requests\":%d,\"valid\":1}",
            2 * (BATCH_THREADS * BATCH_ROUNDS - 1), BATCH_THREADS * BATCH_ROUNDS - 1, BATCH_THREADS * BATCH_ROUNDS);
    EXPECT(atlscim_batch_summary_json(batch, &summary, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(summary, want));
    atlscim_bytes_free(&summary);
    atlscim_batch_free(batch);
    atlscim_profile_free(profile);
}

static void test_responses(void) {
    static const char scim_error[] = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],"
                                     "\"status\":\"409\",\"scimType\":\"uniqueness\",\"detail\":\"User exists\"}";
    atlscim_header headers[2];
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;

    memset(headers, 0, sizeof headers);
    headers[0].name = "Content-Type";
    headers[0].name_len = 12;
    headers[0].value = "text/plain; charset=\xff"; /* not UTF-8: read as U+FFFD, not a failure */
    headers[0].value_len = 21;
    headers[1].name = "retry-after";
    headers[1].name_len = 11;
    headers[1].value = " 30 ";
    headers[1].value_len = 4;
    EXPECT(atlscim_response_classify(429, "", 0, headers, 2, 1763900000.0, &out, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL);
    EXPECT(bytes_has(out, "\"kind\":\"rate_limited\"") && bytes_has(out, "\"retryable\":true"));
    EXPECT(bytes_has(out, "\"retryAfter\":30.0") && bytes_has(out, "\"rule\":\"ATL-R-001\""));
    atlscim_bytes_free(&out);

    EXPECT(atlscim_response_classify(409, scim_error, LEN(scim_error), NULL, 0, -1, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(out, "\"kind\":\"conflict\"") && bytes_has(out, "\"scimType\":\"uniqueness\""));
    EXPECT(bytes_has(out, "\"detail\":\"User exists\"") && bytes_has(out, "\"retryAfter\":null"));
    atlscim_bytes_free(&out);

    /* Any body at all: empty, not UTF-8, not JSON. */
    EXPECT(atlscim_response_classify(502, NULL, 0, NULL, 0, -1, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(out, "\"kind\":\"server_error\""));
    atlscim_bytes_free(&out);
    EXPECT(atlscim_response_classify(500, "<html>\xff\xfe", 8, NULL, 0, -1, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(out, "\"detail\":\"<html>"));
    atlscim_bytes_free(&out);

    EXPECT(atlscim_response_classify(200, NULL, 1, NULL, 0, -1, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_response_classify(200, NULL, 0, NULL, 1, -1, &out, &err) == ATLSCIM_STATUS_NULL_PARAMETER);
    if (EXPECT(err != NULL)) EXPECT(str_is(atlscim_error_message(err), "headers is NULL"));
    atlscim_error_free(err);
    EXPECT(atlscim_response_classify(200, NULL, 0, headers, SIZE_MAX / 8, -1, &out, NULL) ==
           ATLSCIM_STATUS_INVALID_LENGTH);
    headers[1].value = NULL;
    EXPECT(atlscim_response_classify(200, NULL, 0, headers, 2, -1, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    headers[1].value_len = 0; /* NULL with length 0: an empty value */
    EXPECT(atlscim_response_classify(200, NULL, 0, headers, 2, -1, &out, NULL) == ATLSCIM_STATUS_OK);
    atlscim_bytes_free(&out);
    EXPECT(atlscim_response_classify(200, NULL, 0, NULL, 0, -1, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
}

static const char GRAPH_USER[] =
    "{\"id\":\"87d349ed\",\"accountEnabled\":true,\"displayName\":\"Adele Vance\",\"givenName\":\"Adele\","
    "\"surname\":\"Vance\",\"mail\":\"AdeleV@Contoso.com\",\"userPrincipalName\":\"AdeleV@contoso.com\","
    "\"mailboxSettings\":{\"timeZone\":\"Pacific Standard Time\"}}";

static void test_mapping(void) {
    static const char custom[] = " {\"extends\": \"generic\", \"attributes\": [{\"target\": \"title\", \"from\": "
                                 "\"job\"}]}";
    static const char bad_entry[] = "{\"attributes\": [{\"target\": \"favouriteColour\", \"from\": \"c\"}]}";
    static const char record[] = "{\"userName\":\"a@example.com\",\"email\":\"a@example.com\",\"job\":\"Guide\"}";
    static const char group[] = "{\"id\":\"00g1\",\"type\":\"OKTA_GROUP\",\"profile\":{\"name\":\"engineering\"}}";
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_bytes user = {NULL, 0}, normalized = {NULL, 0};
    atlscim_report *report = (atlscim_report *)&expect_failures;
    atlscim_error *err = NOT_NULL_ERROR;

    EXPECT(atlscim_profile_map_user(profile, "Entra", 5, GRAPH_USER, LEN(GRAPH_USER), &user, &report, &err) ==
           ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && report != NULL);
    EXPECT(bytes_has(user, "\"timezone\":\"America/Los_Angeles\"") && bytes_has(user, "\"userName\":"));
    EXPECT(atlscim_report_valid(report));
    /* The report's normalized body is the user. */
    EXPECT(atlscim_report_normalized_json(report, &normalized, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(normalized, user.data));
    atlscim_bytes_free(&normalized);
    atlscim_bytes_free(&user);
    atlscim_report_free(report);

    /* A custom mapping, as JSON text (leading whitespace allowed). */
    EXPECT(atlscim_profile_map_user(profile, custom, LEN(custom), record, LEN(record), &user, &report, NULL) ==
           ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(user, "\"title\":\"Guide\""));
    atlscim_bytes_free(&user);
    atlscim_report_free(report);

    /* A record Atlassian would refuse is a report, not a failed call. */
    EXPECT(atlscim_profile_map_user(profile, "generic", 7, "[]", 2, &user, &report, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(!atlscim_report_valid(report) && str_is(atlscim_issue_rule(atlscim_report_first_error(report)), "MAP-001"));
    atlscim_bytes_free(&user);
    atlscim_report_free(report);

    /* Mappings that cannot be loaded. */
    user.data = (char *)"not reset";
    EXPECT(atlscim_profile_map_user(profile, "entar", 5, record, LEN(record), &user, &report, &err) ==
           ATLSCIM_STATUS_INVALID_MAPPING);
    EXPECT(user.data == NULL && user.len == 0 && report == NULL);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_key(err), ""));
        EXPECT(strstr(atlscim_error_message(err).data, "did you mean entra") != NULL);
    }
    atlscim_error_free(err);
    EXPECT(atlscim_profile_map_user(profile, bad_entry, LEN(bad_entry), record, LEN(record), &user, &report, &err) ==
           ATLSCIM_STATUS_INVALID_MAPPING);
    EXPECT(str_is(atlscim_error_key(err), "attributes[0] (favouriteColour)"));
    atlscim_error_free(err);
    EXPECT(atlscim_profile_map_user(profile, "{", 1, record, LEN(record), &user, &report, NULL) ==
           ATLSCIM_STATUS_INVALID_MAPPING);
    EXPECT(atlscim_profile_map_user(profile, NULL, 0, record, LEN(record), &user, &report, NULL) ==
           ATLSCIM_STATUS_INVALID_MAPPING);
    EXPECT(atlscim_profile_map_user(profile, "entra", 5, "{", 1, &user, &report, &err) == ATLSCIM_STATUS_INVALID_JSON);
    if (EXPECT(err != NULL)) EXPECT(strncmp(atlscim_error_message(err).data, "record is not valid JSON", 24) == 0);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_map_user(profile, "\xff", 1, record, LEN(record), &user, &report, NULL) ==
           ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_profile_map_user(NULL, "entra", 5, record, LEN(record), &user, &report, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_map_user(profile, "entra", 5, record, LEN(record), NULL, &report, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_map_user(profile, "entra", 5, record, LEN(record), &user, NULL, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(user.data == NULL);

    /* Groups: the record's own membership, or the one given. */
    EXPECT(atlscim_profile_map_group(profile, group, LEN(group), NULL, 0, &user, &report, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && bytes_has(user, "\"displayName\":\"engineering\"") && atlscim_report_valid(report));
    atlscim_bytes_free(&user);
    atlscim_report_free(report);
    EXPECT(atlscim_profile_map_group(profile, group, LEN(group), "[\"2819c223\"]", 12, &user, &report, NULL) ==
           ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(user, "\"members\":[{\"value\":\"2819c223\"}]"));
    atlscim_bytes_free(&user);
    atlscim_report_free(report);
    EXPECT(atlscim_profile_map_group(profile, group, LEN(group), "[", 1, &user, &report, &err) ==
           ATLSCIM_STATUS_INVALID_JSON);
    if (EXPECT(err != NULL)) EXPECT(strncmp(atlscim_error_message(err).data, "members is not valid JSON", 25) == 0);
    atlscim_error_free(err);
    EXPECT(atlscim_profile_map_group(profile, NULL, 0, NULL, 0, &user, &report, NULL) == ATLSCIM_STATUS_INVALID_JSON);
    EXPECT(atlscim_profile_map_group(profile, group, LEN(group), NULL, 1, &user, &report, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_map_group(NULL, group, LEN(group), NULL, 0, &user, &report, NULL) ==
           ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_profile_free(profile);
}

/* A normalizer's JSON for `input`, which must succeed; the caller frees it. */
static atlscim_bytes normalize(atlscim_normalizer normalizer, const char *input) {
    atlscim_bytes out = {NULL, 0};
    atlscim_error *err = NOT_NULL_ERROR;
    EXPECT(atlscim_normalize(normalizer, input, strlen(input), &out, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL);
    return out;
}

static void test_normalizers(void) {
    atlscim_bytes out;
    atlscim_error *err = NULL;

    out = normalize(ATLSCIM_NORMALIZER_TIMEZONE, "Pacific Standard Time");
    EXPECT(bytes_has(out, "\"canonical\":\"America/Los_Angeles\"") && bytes_has(out, "\"kind\":\"windows\""));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_LOCALE, "en_us");
    EXPECT(bytes_has(out, "\"tag\":\"en-US\"") && bytes_has(out, "\"script\":null"));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_EMAIL, " Jane.Doe@B\xc3\xbc" "cher.DE ");
    EXPECT(bytes_has(out, "\"address\":\"Jane.Doe@xn--bcher-kva.de\""));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_DISPLAY_NAME, "Dr. Jane Doe");
    EXPECT(bytes_is(out, "{\"family\":\"Doe\",\"given\":\"Jane\",\"prefix\":\"Dr.\",\"suffix\":null}"));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE, "da, en-gb;q=0.8, xx-;q=0.9");
    EXPECT(bytes_has(out, "\"best\":{") && bytes_has(out, "\"tag\":\"da\"") && bytes_has(out, "\"index\":2"));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE, "fr-CA");
    EXPECT(bytes_is(out, "\"fr-FR\""));
    atlscim_bytes_free(&out);
    out = normalize(ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE, "ar-SA");
    EXPECT(bytes_is(out, "null"));
    atlscim_bytes_free(&out);

    /* A value a normalizer cannot use: the reason, and what to send instead. */
    out.data = (char *)"not reset";
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_TIMEZONE, "PST", 3, &out, &err) == ATLSCIM_STATUS_NOT_NORMALIZABLE);
    EXPECT(out.data == NULL);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_reason(err), "abbreviation"));
        EXPECT(str_is(atlscim_error_suggestion(err), "America/Los_Angeles"));
        EXPECT(strstr(atlscim_error_message(err).data, "abbreviation") != NULL);
        EXPECT(str_is(atlscim_error_rule(err), "") && atlscim_error_http_status(err) == 0);
    }
    atlscim_error_free(err);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_EMAIL, "jane@", 5, &out, &err) == ATLSCIM_STATUS_NOT_NORMALIZABLE);
    EXPECT(str_is(atlscim_error_reason(err), "invalid") && atlscim_error_suggestion(err).data == NULL);
    atlscim_error_free(err);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_LOCALE, NULL, 0, &out, &err) == ATLSCIM_STATUS_NOT_NORMALIZABLE);
    EXPECT(str_is(atlscim_error_reason(err), "empty"));
    atlscim_error_free(err);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE, "und", 3, &out, &err) ==
           ATLSCIM_STATUS_NOT_NORMALIZABLE);
    EXPECT(str_is(atlscim_error_reason(err), "no_language"));
    atlscim_error_free(err);

    EXPECT(atlscim_normalize(0, "x", 1, &out, &err) == ATLSCIM_STATUS_INVALID_ARGUMENT);
    atlscim_error_free(err);
    EXPECT(atlscim_normalize(7, "x", 1, &out, NULL) == ATLSCIM_STATUS_INVALID_ARGUMENT);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_TIMEZONE, "\xff", 1, &out, NULL) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_TIMEZONE, NULL, 2, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_normalize(ATLSCIM_NORMALIZER_TIMEZONE, "UTC", 3, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);

    EXPECT(atlscim_display_name_join(" Ludwig ", 8, "van  Beethoven", 14, &out, &err) == ATLSCIM_STATUS_OK);
    EXPECT(err == NULL && bytes_is(out, "Ludwig van Beethoven"));
    atlscim_bytes_free(&out);
    EXPECT(atlscim_display_name_join(NULL, 0, NULL, 0, &out, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(out.data != NULL && out.len == 0 && out.data[0] == '\0'); /* empty text is still a buffer */
    atlscim_bytes_free(&out);
    EXPECT(atlscim_display_name_join("\xff", 1, "x", 1, &out, NULL) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_display_name_join("x", 1, NULL, 1, &out, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_display_name_join("x", 1, "y", 1, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
}

/* One profile and one filter shared by several threads: each gets what one thread gets. */
#define THREADS 8
#define ROUNDS 30

typedef struct {
    const atlscim_profile *profile;
    const atlscim_filter *filter;
    int mismatches;
} thread_job;

static void *use_shared(void *arg) {
    thread_job *job = arg;
    int i;
    for (i = 0; i < ROUNDS; i++) {
        atlscim_bytes out = {NULL, 0}, user = {NULL, 0};
        atlscim_report *report = NULL;
        bool matches = false;
        if (atlscim_profile_apply_patch(job->profile, ATLSCIM_RESOURCE_TYPE_USER, USER, LEN(USER), DISABLE,
                                        LEN(DISABLE), &out, NULL) != ATLSCIM_STATUS_OK ||
            !bytes_has(out, "\"active\":false")) {
            job->mismatches++;
        }
        if (atlscim_filter_matches(job->filter, USER, LEN(USER), &matches, NULL) != ATLSCIM_STATUS_OK || !matches) {
            job->mismatches++;
        }
        if (atlscim_profile_map_user(job->profile, "entra", 5, GRAPH_USER, LEN(GRAPH_USER), &user, &report, NULL) !=
                ATLSCIM_STATUS_OK ||
            !atlscim_report_valid(report)) {
            job->mismatches++;
        }
        atlscim_bytes_free(&out);
        atlscim_bytes_free(&user);
        atlscim_report_free(report);
    }
    return NULL;
}

static void test_threads(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_filter *filter = NULL;
    pthread_t threads[THREADS];
    thread_job jobs[THREADS];
    int i;

    EXPECT(atlscim_filter_parse("emails[type eq \"work\"]", 22, false, &filter, NULL) == ATLSCIM_STATUS_OK);
    for (i = 0; i < THREADS; i++) {
        jobs[i].profile = profile;
        jobs[i].filter = filter;
        jobs[i].mismatches = 0;
        EXPECT(pthread_create(&threads[i], NULL, use_shared, &jobs[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        EXPECT(pthread_join(threads[i], NULL) == 0);
        EXPECT(jobs[i].mismatches == 0);
    }
    atlscim_filter_free(filter);
    atlscim_profile_free(profile);
}

int main(void) {
    test_apply_patch();
    test_diff();
    test_filters();
    test_batches();
    test_batch_threads();
    test_responses();
    test_mapping();
    test_normalizers();
    test_threads();
    if (expect_failures != 0) {
        fprintf(stderr, "test_operations: %d expectations failed\n", expect_failures);
        return 1;
    }
    printf("test_operations: all expectations met\n");
    return 0;
}
