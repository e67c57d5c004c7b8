/* The C ABI's contract, call by call: versions, statuses and errors, NULL and bad inputs, the
 * ownership of every output (each one freed here, so AddressSanitizer and valgrind see any
 * leak), reports outliving their inputs, and one profile shared by several threads.
 *
 * Build with -DATLSCIM_TEST_CARGO_VERSION='"x.y.z"' (the version in Cargo.toml). */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlscim.h"
#include "expect.h"

#define LEN(s) (sizeof(s) - 1)

static const char USER[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bjensen@example.com\","
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true}],\"active\":true}";
/* Valid, but with a lenient fix to make: "active" as the string "False". */
static const char USER_ACTIVE_STRING[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bjensen@example.com\","
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true}],\"active\":\"False\"}";
/* Invalid: no email is marked primary. */
static const char USER_NO_PRIMARY[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bjensen@example.com\","
    "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\"}]}";

static atlscim_request post_users(const char *body, size_t len) {
    atlscim_request r;
    memset(&r, 0, sizeof r);
    r.method = "POST";
    r.method_len = 4;
    r.path = "/Users";
    r.path_len = 6;
    r.body = body;
    r.body_len = len;
    return r;
}

/* A checked report, or NULL (counted as a failure). */
static atlscim_report *check(const atlscim_profile *profile, const atlscim_request *request) {
    atlscim_report *report = NULL;
    EXPECT(atlscim_profile_check(profile, request, &report, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(report != NULL);
    return report;
}

static void test_version(void) {
    EXPECT(strcmp(atlscim_version(), ATLSCIM_VERSION) == 0);
    EXPECT(strcmp(ATLSCIM_VERSION, ATLSCIM_TEST_CARGO_VERSION) == 0);
    {
        char numbers[64];
        sprintf(numbers, "%d.%d.%d", ATLSCIM_VERSION_MAJOR, ATLSCIM_VERSION_MINOR, ATLSCIM_VERSION_PATCH);
        EXPECT(strcmp(numbers, ATLSCIM_TEST_CARGO_VERSION) == 0);
    }
}

static void test_statuses(void) {
    /* The numbers are the ABI. */
    EXPECT(ATLSCIM_STATUS_OK == 0);
    EXPECT(ATLSCIM_STATUS_PANIC == 1);
    EXPECT(ATLSCIM_STATUS_NULL_PARAMETER == 2);
    EXPECT(ATLSCIM_STATUS_INVALID_UTF8 == 3);
    EXPECT(ATLSCIM_STATUS_INVALID_LENGTH == 4);
    EXPECT(ATLSCIM_STATUS_INVALID_CONFIG == 5);
    EXPECT(ATLSCIM_STATUS_INVALID_JSON == 6);
    EXPECT(ATLSCIM_STATUS_PATCH_REFUSED == 7);
    EXPECT(ATLSCIM_STATUS_INVALID_FILTER == 8);
    EXPECT(ATLSCIM_STATUS_INVALID_MAPPING == 9);
    EXPECT(ATLSCIM_STATUS_NOT_NORMALIZABLE == 10);
    EXPECT(ATLSCIM_STATUS_INVALID_ARGUMENT == 11);
    EXPECT(ATLSCIM_STATUS_INVALID_SYNC_INPUT == 12);
    EXPECT(ATLSCIM_STATUS_PLAN_REFUSED == 13);
    EXPECT(ATLSCIM_STATUS_NOTHING_OUTSTANDING == 14);
    EXPECT(ATLSCIM_RESOURCE_TYPE_USER == 1 && ATLSCIM_RESOURCE_TYPE_GROUP == 2);
    EXPECT(ATLSCIM_NORMALIZER_TIMEZONE == 1 && ATLSCIM_NORMALIZER_LOCALE == 2 && ATLSCIM_NORMALIZER_EMAIL == 3);
    EXPECT(ATLSCIM_NORMALIZER_DISPLAY_NAME == 4 && ATLSCIM_NORMALIZER_ACCEPT_LANGUAGE == 5);
    EXPECT(ATLSCIM_NORMALIZER_ATLASSIAN_LANGUAGE == 6);
    EXPECT(sizeof(atlscim_status) == sizeof(uint32_t));
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_OK), "ok") == 0);
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_INVALID_CONFIG), "invalid config") == 0);
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_PATCH_REFUSED), "PATCH refused") == 0);
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_INVALID_ARGUMENT), "invalid argument") == 0);
    EXPECT(strcmp(atlscim_status_str(ATLSCIM_STATUS_NOTHING_OUTSTANDING), "no request outstanding") == 0);
    EXPECT(strcmp(atlscim_status_str(15), "unknown status") == 0);
    EXPECT(strcmp(atlscim_status_str(9999), "unknown status") == 0);
    EXPECT(ATLSCIM_SEVERITY_INFO == 1 && ATLSCIM_SEVERITY_WARNING == 2 && ATLSCIM_SEVERITY_ERROR == 3);
    EXPECT(strcmp(atlscim_severity_name(ATLSCIM_SEVERITY_ERROR), "error") == 0);
    EXPECT(strcmp(atlscim_severity_name(ATLSCIM_SEVERITY_WARNING), "warning") == 0);
    EXPECT(strcmp(atlscim_severity_name(ATLSCIM_SEVERITY_INFO), "info") == 0);
    EXPECT(strcmp(atlscim_severity_name(77), "unknown") == 0);
}

/* A profile_new that must fail with `status`, and an error naming `key`. */
static void expect_config_error(const char *config, size_t len, atlscim_status status, const char *key) {
    atlscim_profile *profile = (atlscim_profile *)&profile; /* not NULL: the call must reset it */
    atlscim_error *err = NULL;
    EXPECT(atlscim_profile_new(config, len, &profile, &err) == status);
    EXPECT(profile == NULL);
    if (EXPECT(err != NULL)) {
        EXPECT(atlscim_error_status(err) == status);
        EXPECT(atlscim_error_message(err).len > 0);
        EXPECT(str_is(atlscim_error_key(err), key));
        /* What only other statuses have is empty or absent. */
        EXPECT(str_is(atlscim_error_rule(err), "") && atlscim_error_http_status(err) == 0);
        EXPECT(atlscim_error_scim_type(err).data == NULL && atlscim_error_suggestion(err).data == NULL);
        EXPECT(str_is(atlscim_error_path(err), "") && str_is(atlscim_error_pointer(err), ""));
        EXPECT(str_is(atlscim_error_reason(err), "") && atlscim_error_offset(err) == 0);
    }
    atlscim_error_free(err);
}

static void test_profiles(void) {
    static const char config[] = "{\"profile\": \"rfc\", \"verified_domains\": [\"Example.COM\"]}";
    atlscim_profile *profile = NULL;
    atlscim_error *err = (atlscim_error *)&err; /* not NULL: success must reset it */
    atlscim_bytes json = {NULL, 0};

    EXPECT(atlscim_profile_new(config, LEN(config), &profile, &err) == ATLSCIM_STATUS_OK);
    EXPECT(profile != NULL);
    EXPECT(err == NULL);
    EXPECT(atlscim_profile_config_json(profile, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"profile\":\"rfc\""));
    EXPECT(bytes_has(json, "\"example.com\"")); /* the canonical form of the domain */
    atlscim_bytes_free(&json);
    atlscim_profile_free(profile);

    profile = atlscim_profile_rfc();
    EXPECT(atlscim_profile_config_json(profile, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"profile\":\"rfc\""));
    atlscim_bytes_free(&json);
    atlscim_profile_free(profile);

    profile = atlscim_profile_atlassian();
    EXPECT(atlscim_profile_config_json(profile, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"profile\":\"atlassian\""));
    atlscim_bytes_free(&json);
    atlscim_profile_free(profile);

    /* The config needs no NUL: only config_len bytes are read. */
    EXPECT(atlscim_profile_new("{}garbage", 2, &profile, NULL) == ATLSCIM_STATUS_OK);
    atlscim_profile_free(profile);

    expect_config_error("{\"colour\": 1}", 13, ATLSCIM_STATUS_INVALID_CONFIG, "colour");
    expect_config_error("{\"limits\": {\"max_depth\": 0}}", 28, ATLSCIM_STATUS_INVALID_CONFIG, "limits.max_depth");
    expect_config_error("{\"verified_domains\": [\"ok.com\", 5]}", 35, ATLSCIM_STATUS_INVALID_CONFIG,
                        "verified_domains[1]");
    expect_config_error("{not json", 9, ATLSCIM_STATUS_INVALID_CONFIG, "");
    expect_config_error(NULL, 0, ATLSCIM_STATUS_INVALID_CONFIG, ""); /* NULL + 0 is empty text */
    expect_config_error(NULL, 5, ATLSCIM_STATUS_NULL_PARAMETER, "");
    expect_config_error("{\"\xff\": 1}", 8, ATLSCIM_STATUS_INVALID_UTF8, "");
    expect_config_error("{}", SIZE_MAX, ATLSCIM_STATUS_INVALID_LENGTH, "");

    /* Without an error out-parameter the status alone says what happened. */
    EXPECT(atlscim_profile_new("[]", 2, &profile, NULL) == ATLSCIM_STATUS_INVALID_CONFIG);
    EXPECT(atlscim_profile_new("{}", 2, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_new("{}", 2, NULL, &err) == ATLSCIM_STATUS_NULL_PARAMETER);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_message(err), "out is NULL"));
    }
    atlscim_error_free(err);
    EXPECT(atlscim_profile_config_json(NULL, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(json.data == NULL && json.len == 0);
}

static void test_check_errors(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = post_users(USER, LEN(USER));
    atlscim_report *report = (atlscim_report *)&report; /* not NULL: a failed call must reset it */
    atlscim_error *err = NULL;

    EXPECT(atlscim_profile_check(NULL, &request, &report, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(report == NULL);
    EXPECT(atlscim_profile_check(profile, NULL, &report, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_profile_check(profile, &request, NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);

    request.path = NULL; /* with a non-zero length */
    EXPECT(atlscim_profile_check(profile, &request, &report, &err) == ATLSCIM_STATUS_NULL_PARAMETER);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_message(err), "path is NULL"));
    }
    atlscim_error_free(err);

    request = post_users(USER, LEN(USER));
    request.method = "P\xc3";
    request.method_len = 2;
    EXPECT(atlscim_profile_check(profile, &request, &report, &err) == ATLSCIM_STATUS_INVALID_UTF8);
    EXPECT(atlscim_error_status(err) == ATLSCIM_STATUS_INVALID_UTF8);
    atlscim_error_free(err);

    request = post_users(USER, LEN(USER));
    request.current = "{\"userName\": ";
    request.current_len = 13;
    EXPECT(atlscim_profile_check(profile, &request, &report, &err) == ATLSCIM_STATUS_INVALID_JSON);
    EXPECT(report == NULL);
    atlscim_error_free(err);

    request = post_users(NULL, 3);
    EXPECT(atlscim_profile_check(profile, &request, &report, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    request = post_users(USER, (size_t)PTRDIFF_MAX + 1);
    EXPECT(atlscim_profile_check(profile, &request, &report, NULL) == ATLSCIM_STATUS_INVALID_LENGTH);

    atlscim_profile_free(profile);
}

static void test_invalid_requests_are_reports(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request;
    atlscim_report *no_body, *empty_body, *not_utf8, *zeroed;
    const atlscim_issue *a, *b;

    /* NULL is no body; non-NULL with length 0 is an empty body: two different mistakes. */
    request = post_users(NULL, 0);
    no_body = check(profile, &request);
    request = post_users("", 0);
    empty_body = check(profile, &request);
    EXPECT(!atlscim_report_valid(no_body) && !atlscim_report_valid(empty_body));
    a = atlscim_report_first_error(no_body);
    b = atlscim_report_first_error(empty_body);
    if (EXPECT(a != NULL && b != NULL)) {
        atlscim_str ra = atlscim_issue_rule(a), rb = atlscim_issue_rule(b);
        EXPECT(!(ra.len == rb.len && memcmp(ra.data, rb.data, ra.len) == 0));
    }

    /* A body that is not UTF-8 is an invalid request, not a failed call. */
    request = post_users("{\"userName\": \"\xff\"}", 17);
    not_utf8 = check(profile, &request);
    EXPECT(!atlscim_report_valid(not_utf8) && atlscim_report_status(not_utf8) == 400);
    EXPECT(!atlscim_report_readable(not_utf8));
    /* Its issue is about the whole body: empty path and pointer, which still point at memory
     * (a NUL byte), so that they are safe to hand to memcpy, strncmp and the like. */
    a = atlscim_report_first_error(not_utf8);
    if (EXPECT(a != NULL)) {
        atlscim_str path = atlscim_issue_path(a), pointer = atlscim_issue_pointer(a);
        EXPECT(path.len == 0 && path.data != NULL && path.data[0] == '\0');
        EXPECT(pointer.len == 0 && pointer.data != NULL && pointer.data[0] == '\0');
    }

    /* A zeroed request: empty method and path, no body. */
    memset(&request, 0, sizeof request);
    zeroed = check(profile, &request);
    EXPECT(!atlscim_report_valid(zeroed));

    atlscim_report_free(no_body);
    atlscim_report_free(empty_body);
    atlscim_report_free(not_utf8);
    atlscim_report_free(zeroed);
    atlscim_profile_free(profile);
}

static void test_reports(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    char *body = malloc(sizeof USER_ACTIVE_STRING);
    atlscim_request request;
    atlscim_report *fixed, *invalid;
    atlscim_bytes json = {NULL, 0};
    const atlscim_issue *issue;
    size_t i;

    /* The report must not depend on the request's memory or on the profile. */
    memcpy(body, USER_ACTIVE_STRING, sizeof USER_ACTIVE_STRING);
    request = post_users(body, LEN(USER_ACTIVE_STRING));
    fixed = check(profile, &request);
    memset(body, 'x', LEN(USER_ACTIVE_STRING));
    free(body);

    EXPECT(atlscim_report_valid(fixed));
    EXPECT(atlscim_report_status(fixed) == 0);
    EXPECT(atlscim_report_readable(fixed));
    EXPECT(atlscim_report_changes_body(fixed));
    EXPECT(!atlscim_report_nothing_to_send(fixed));   /* a fixed POST still has a body to send */
    EXPECT(atlscim_report_first_error(fixed) == NULL);
    EXPECT(atlscim_report_issue_count(fixed) >= 1);
    for (i = 0; i < atlscim_report_issue_count(fixed); i++) {
        issue = atlscim_report_issue(fixed, i);
        EXPECT(issue != NULL);
        EXPECT(atlscim_issue_severity(issue) != ATLSCIM_SEVERITY_ERROR);
        if (atlscim_issue_severity(issue) == ATLSCIM_SEVERITY_INFO && atlscim_issue_rule(issue).len == 9 &&
            memcmp(atlscim_issue_rule(issue).data, "ATL-U-017", 9) == 0) {
            /* A lenient fix carries what Atlassian answers to the body as sent: the string "False" is 400. */
            EXPECT(atlscim_issue_status(issue) == 400);
            EXPECT(atlscim_issue_scim_type(issue).len == 12 && memcmp(atlscim_issue_scim_type(issue).data, "invalidValue", 12) == 0);
        } else {
            EXPECT(atlscim_issue_status(issue) == 0);               /* errors and fixes only */
            EXPECT(atlscim_issue_scim_type(issue).data == NULL);
        }
        EXPECT(atlscim_issue_rule(issue).len > 0 && atlscim_issue_detail(issue).len > 0);
    }
    EXPECT(atlscim_report_issue(fixed, atlscim_report_issue_count(fixed)) == NULL);
    EXPECT(atlscim_report_issue(fixed, SIZE_MAX) == NULL);

    EXPECT(atlscim_report_normalized_json(fixed, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"active\":false"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_to_json(fixed, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"valid\":true,\"status\":null"));
    EXPECT(bytes_has(json, "\"normalized\":{"));
    EXPECT(bytes_has(json, "\"active\":false"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_scim_error_json(fixed, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(json, "null"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_summary(fixed, 3, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(strncmp(json.data, "valid", 5) == 0);
    atlscim_bytes_free(&json);

    request = post_users(USER_NO_PRIMARY, LEN(USER_NO_PRIMARY));
    invalid = check(profile, &request);
    atlscim_profile_free(profile);
    EXPECT(!atlscim_report_valid(invalid));
    EXPECT(atlscim_report_status(invalid) == 400);
    EXPECT(!atlscim_report_changes_body(invalid));
    issue = atlscim_report_first_error(invalid);
    if (EXPECT(issue != NULL)) {
        EXPECT(atlscim_issue_severity(issue) == ATLSCIM_SEVERITY_ERROR);
        EXPECT(str_is(atlscim_issue_rule(issue), "ATL-U-003"));
        EXPECT(str_is(atlscim_issue_pointer(issue), "/emails"));
        EXPECT(str_is(atlscim_issue_path(issue), "emails"));
        EXPECT(atlscim_issue_status(issue) == 400);
    }
    EXPECT(atlscim_report_scim_error_json(invalid, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "\"status\":\"400\""));
    EXPECT(bytes_has(json, "urn:ietf:params:scim:api:messages:2.0:Error"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_summary(invalid, 1, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_has(json, "invalid (400)") && bytes_has(json, "ATL-U-003"));
    atlscim_bytes_free(&json);
    atlscim_report_free(invalid);
    atlscim_report_free(fixed);
}

/* A report that keeps no copy of the body: the same verdict as atlscim_profile_check; the
 * normalized body from the caller's own copy; the fixes as data. */
static void test_verdict_without_body(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = post_users(USER_ACTIVE_STRING, LEN(USER_ACTIVE_STRING));
    atlscim_report *kept = check(profile, &request), *verdict = NULL;
    atlscim_bytes json = {NULL, 0}, want = {NULL, 0};
    atlscim_error *err = NULL;

    EXPECT(atlscim_profile_check_verdict(profile, &request, &verdict, NULL) == ATLSCIM_STATUS_OK);
    if (!EXPECT(verdict != NULL)) {
        atlscim_report_free(kept);
        atlscim_profile_free(profile);
        return;
    }
    EXPECT(atlscim_report_valid(verdict) == atlscim_report_valid(kept));
    EXPECT(atlscim_report_changes_body(verdict));
    EXPECT(atlscim_report_issue_count(verdict) == atlscim_report_issue_count(kept));
    EXPECT(str_is(atlscim_issue_rule(atlscim_report_issue(verdict, 0)), "ATL-U-017"));
    EXPECT(atlscim_report_summary(verdict, 1, &json, NULL) == ATLSCIM_STATUS_OK);
    atlscim_bytes_free(&json);

    /* It holds no body: the functions that write the normalized body from it say so. */
    EXPECT(atlscim_report_normalized_json(verdict, &json, &err) == ATLSCIM_STATUS_INVALID_ARGUMENT);
    EXPECT(json.data == NULL && json.len == 0);
    EXPECT(err != NULL && str_has(atlscim_error_message(err), "atlscim_report_normalize"));
    atlscim_error_free(err);
    err = NULL;
    EXPECT(atlscim_report_to_json(verdict, &json, NULL) == ATLSCIM_STATUS_INVALID_ARGUMENT);

    /* From the caller's copy of the body, both kinds of report give what normalized_json gives. */
    EXPECT(atlscim_report_normalized_json(kept, &want, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_report_normalize(verdict, USER_ACTIVE_STRING, LEN(USER_ACTIVE_STRING), &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(json.len == want.len && json.len > 0 && memcmp(json.data, want.data, json.len) == 0);
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_normalize(kept, USER_ACTIVE_STRING, LEN(USER_ACTIVE_STRING), &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(json.len == want.len && memcmp(json.data, want.data, json.len) == 0);
    atlscim_bytes_free(&json);
    atlscim_bytes_free(&want);
    /* No body is none; a NULL body with a length is refused. */
    EXPECT(atlscim_report_normalize(verdict, NULL, 0, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(json, "null"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_normalize(verdict, NULL, 3, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_report_normalize(NULL, USER, LEN(USER), &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_report_normalize(verdict, USER, LEN(USER), NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);

    /* The fixes as data: "active" the string "False" is replaced by false. */
    EXPECT(atlscim_report_fixes_json(verdict, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(json, "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]"));
    atlscim_bytes_free(&json);
    EXPECT(atlscim_report_fixes_json(NULL, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    atlscim_report_free(verdict);

    /* A body nothing fixes has no fixes. */
    request = post_users(USER, LEN(USER));
    EXPECT(atlscim_profile_check_verdict(profile, &request, &verdict, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(atlscim_report_fixes_json(verdict, &json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(bytes_is(json, "[]"));
    atlscim_bytes_free(&json);
    atlscim_report_free(verdict);
    EXPECT(atlscim_profile_check_verdict(NULL, &request, &verdict, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(verdict == NULL);
    atlscim_report_free(kept);
    atlscim_profile_free(profile);
}

/* A PATCH renaming a group to the name it has: lenient mode drops the operation, so there is
 * nothing left to send; renaming it to another name is an error, not "nothing to send". */
static void test_nothing_to_send(void) {
    static const char group[] = "{\"id\":\"g1\",\"displayName\":\"eng\"}";
    static const char same[] = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                               "\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"eng\"}]}";
    static const char other[] = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                                "\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"ops\"}]}";
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = {"PATCH", 5, "/Groups/g1", 10, same, LEN(same), group, LEN(group)};
    atlscim_report *report = check(profile, &request);
    EXPECT(atlscim_report_valid(report) && atlscim_report_nothing_to_send(report));
    {
        /* Nothing to send is a null normalized body, never an empty Operations. */
        atlscim_bytes normalized = {NULL, 0};
        EXPECT(atlscim_report_normalized_json(report, &normalized, NULL) == ATLSCIM_STATUS_OK);
        EXPECT(normalized.len == 4 && memcmp(normalized.data, "null", 4) == 0);
        atlscim_bytes_free(&normalized);
    }
    atlscim_report_free(report);
    request.body = other;
    request.body_len = LEN(other);
    report = check(profile, &request);
    EXPECT(!atlscim_report_valid(report) && !atlscim_report_nothing_to_send(report));
    atlscim_report_free(report);
    atlscim_profile_free(profile);
}

static void test_key_expiry(void) {
    const int64_t day = 86400, expires = 1800000000;
    int64_t left = 99;
    EXPECT(atlscim_key_expiry(expires, expires - 31 * day, 30, &left) == ATLSCIM_KEY_STATE_VALID && left == 31);
    EXPECT(atlscim_key_expiry(expires, expires - 30 * day, 30, &left) == ATLSCIM_KEY_STATE_EXPIRES_SOON && left == 30);
    EXPECT(atlscim_key_expiry(expires, expires, 30, &left) == ATLSCIM_KEY_STATE_EXPIRED && left == 0);
    EXPECT(atlscim_key_expiry(expires, expires + day + 1, 30, NULL) == ATLSCIM_KEY_STATE_EXPIRED);
    {
        /* The expiry date from the config: 2027-05-01T00:00:00Z, a 14-day window. */
        static const char config[] = "{\"key_expires\":\"2027-05-01\",\"key_expiry_warning_days\":14}";
        const int64_t may_first = 1809129600;
        atlscim_profile *profile = NULL, *none = atlscim_profile_atlassian();
        atlscim_key_state state = ATLSCIM_KEY_STATE_VALID;
        EXPECT(atlscim_profile_new(config, LEN(config), &profile, NULL) == ATLSCIM_STATUS_OK);
        EXPECT(atlscim_profile_key_expiry(profile, may_first - 15 * day, &state, &left) &&
               state == ATLSCIM_KEY_STATE_VALID && left == 15);
        EXPECT(atlscim_profile_key_expiry(profile, may_first - 14 * day, &state, NULL) &&
               state == ATLSCIM_KEY_STATE_EXPIRES_SOON);
        EXPECT(atlscim_profile_key_expiry(profile, may_first, &state, &left) && state == ATLSCIM_KEY_STATE_EXPIRED &&
               left == 0);
        /* Nothing configured, or NULL: false, nothing set. */
        left = 99;
        EXPECT(!atlscim_profile_key_expiry(none, may_first, &state, &left) && left == 99);
        EXPECT(!atlscim_profile_key_expiry(NULL, may_first, &state, &left));
        EXPECT(!atlscim_profile_key_expiry(profile, may_first, NULL, &left));
        atlscim_profile_free(profile);
        atlscim_profile_free(none);
    }
}

static void test_sent_status(void) {
    /* A create without schemas: valid once lenient mode adds them, refused as sent. */
    static const char body[] = "{\"userName\":\"a@example.com\",\"emails\":[{\"value\":\"a@example.com\","
                               "\"primary\":true}]}";
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = {"POST", 4, "/Users", 6, body, LEN(body), NULL, 0};
    atlscim_report *report = check(profile, &request);
    EXPECT(atlscim_report_valid(report) && atlscim_report_status(report) == 0);
    EXPECT(atlscim_report_sent_status(report) == 400);
    EXPECT(atlscim_report_sent_status(NULL) == 0);
    atlscim_report_free(report);
    atlscim_profile_free(profile);
}

static void test_null_handles(void) {
    atlscim_bytes json = {NULL, 0};
    atlscim_error *err = NULL;

    EXPECT(!atlscim_report_valid(NULL));
    EXPECT(atlscim_report_status(NULL) == 0);
    EXPECT(!atlscim_report_readable(NULL));
    EXPECT(!atlscim_report_changes_body(NULL));
    EXPECT(!atlscim_report_nothing_to_send(NULL));
    EXPECT(atlscim_report_issue_count(NULL) == 0);
    EXPECT(atlscim_report_issue(NULL, 0) == NULL);
    EXPECT(atlscim_report_first_error(NULL) == NULL);
    EXPECT(atlscim_issue_severity(NULL) == ATLSCIM_SEVERITY_UNKNOWN);
    EXPECT(atlscim_issue_rule(NULL).data == NULL && atlscim_issue_rule(NULL).len == 0);
    EXPECT(atlscim_issue_path(NULL).data == NULL);
    EXPECT(atlscim_issue_pointer(NULL).data == NULL);
    EXPECT(atlscim_issue_detail(NULL).data == NULL);
    EXPECT(atlscim_issue_scim_type(NULL).data == NULL);
    EXPECT(atlscim_issue_status(NULL) == 0);
    EXPECT(atlscim_error_status(NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_error_message(NULL).data == NULL);
    EXPECT(atlscim_error_key(NULL).data == NULL);
    EXPECT(atlscim_error_rule(NULL).data == NULL);
    EXPECT(atlscim_error_http_status(NULL) == 0);
    EXPECT(atlscim_error_scim_type(NULL).data == NULL);
    EXPECT(atlscim_error_path(NULL).data == NULL);
    EXPECT(atlscim_error_pointer(NULL).data == NULL);
    EXPECT(atlscim_error_offset(NULL) == 0);
    EXPECT(atlscim_error_reason(NULL).data == NULL);
    EXPECT(atlscim_error_suggestion(NULL).data == NULL);

    EXPECT(atlscim_report_to_json(NULL, &json, &err) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(json.data == NULL && json.len == 0);
    if (EXPECT(err != NULL)) {
        EXPECT(str_is(atlscim_error_message(err), "report is NULL"));
    }
    atlscim_error_free(err);
    EXPECT(atlscim_report_normalized_json(NULL, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_report_scim_error_json(NULL, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_report_summary(NULL, 1, &json, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);
    EXPECT(atlscim_rules_json(NULL, NULL) == ATLSCIM_STATUS_NULL_PARAMETER);

    /* Every free accepts NULL; a freed atlscim_bytes is {NULL, 0} and may be freed again. */
    atlscim_profile_free(NULL);
    atlscim_report_free(NULL);
    atlscim_batch_free(NULL);
    atlscim_filter_free(NULL);
    atlscim_error_free(NULL);
    atlscim_bytes_free(NULL);
    atlscim_bytes_free(&json);
    EXPECT(atlscim_rules_json(&json, NULL) == ATLSCIM_STATUS_OK);
    atlscim_bytes_free(&json);
    EXPECT(json.data == NULL && json.len == 0);
    atlscim_bytes_free(&json);
}

static void test_rules(void) {
    atlscim_bytes json = {NULL, 0};
    EXPECT(atlscim_rules_json(&json, NULL) == ATLSCIM_STATUS_OK);
    EXPECT(json.data != NULL && json.data[0] == '[' && json.data[json.len - 1] == ']');
    EXPECT(bytes_has(json, "{\"id\":\"ATL-U-003\""));
    atlscim_bytes_free(&json);
}

/* One profile, several threads checking at once: every thread must see the report a single
 * thread sees. */
#define THREADS 8
#define ROUNDS 50

typedef struct {
    const atlscim_profile *profile;
    const char *expected; /* report JSON of USER_ACTIVE_STRING */
    int mismatches;
} thread_job;

static void *check_many(void *arg) {
    thread_job *job = arg;
    atlscim_request request = post_users(USER_ACTIVE_STRING, LEN(USER_ACTIVE_STRING));
    int i;
    for (i = 0; i < ROUNDS; i++) {
        atlscim_report *report = NULL;
        atlscim_bytes json = {NULL, 0};
        if (atlscim_profile_check(job->profile, &request, &report, NULL) != ATLSCIM_STATUS_OK ||
            atlscim_report_to_json(report, &json, NULL) != ATLSCIM_STATUS_OK || strcmp(json.data, job->expected) != 0) {
            job->mismatches++;
        }
        atlscim_bytes_free(&json);
        atlscim_report_free(report);
    }
    return NULL;
}

static void test_threads(void) {
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = post_users(USER_ACTIVE_STRING, LEN(USER_ACTIVE_STRING));
    atlscim_report *report = check(profile, &request);
    atlscim_bytes expected = {NULL, 0};
    pthread_t threads[THREADS];
    thread_job jobs[THREADS];
    int i;

    EXPECT(atlscim_report_to_json(report, &expected, NULL) == ATLSCIM_STATUS_OK);
    atlscim_report_free(report);
    for (i = 0; i < THREADS; i++) {
        jobs[i].profile = profile;
        jobs[i].expected = expected.data;
        jobs[i].mismatches = 0;
        EXPECT(pthread_create(&threads[i], NULL, check_many, &jobs[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        EXPECT(pthread_join(threads[i], NULL) == 0);
        EXPECT(jobs[i].mismatches == 0);
    }
    atlscim_bytes_free(&expected);
    atlscim_profile_free(profile);
}

int main(void) {
    test_version();
    test_statuses();
    test_profiles();
    test_check_errors();
    test_invalid_requests_are_reports();
    test_reports();
    test_verdict_without_body();
    test_nothing_to_send();
    test_key_expiry();
    test_sent_status();
    test_null_handles();
    test_rules();
    test_threads();
    if (expect_failures != 0) {
        fprintf(stderr, "test_api: %d expectations failed\n", expect_failures);
        return 1;
    }
    printf("test_api: all expectations met\n");
    return 0;
}
