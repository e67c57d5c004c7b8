/* Checks one SCIM request with atlscim before it is sent to Atlassian, and prints the verdict.
 *
 *   check_request                        checks a built-in example (a user without a primary email)
 *   check_request METHOD PATH [BODY]     checks a request; BODY is a file holding the JSON body,
 *                                        e.g. check_request POST /Users user.json
 *
 * Exit status: 0 valid, 1 invalid, 2 usage or I/O error (as `atlscim check`).
 *
 * Build (ffi/README.md):
 *   cc -std=c99 check_request.c $(pkg-config --cflags --libs atlscim) -o check_request */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atlscim.h>

static const char EXAMPLE[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
    " \"userName\": \"bjensen@example.com\", \"active\": \"True\","
    " \"emails\": [{\"value\": \"bjensen@example.com\", \"type\": \"work\"}]}";

/* Reads a whole file into memory; returns NULL on error. */
static char *read_file(const char *name, size_t *len) {
    FILE *f = fopen(name, "rb");
    char *data = NULL;
    long size;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)size + 1)) != NULL && fread(data, 1, (size_t)size, f) == (size_t)size) {
        *len = (size_t)size;
    } else {
        free(data);
        data = NULL;
    }
    if (f != NULL) fclose(f);
    return data;
}

int main(int argc, char **argv) {
    /* 1. Build a profile once (it is immutable: share it between threads) from the config JSON. */
    static const char config[] = "{\"profile\": \"atlassian\", \"verified_domains\": [\"example.com\"]}";
    atlscim_profile *profile = NULL;
    atlscim_error *err = NULL;
    if (atlscim_profile_new(config, strlen(config), &profile, &err) != ATLSCIM_STATUS_OK) {
        atlscim_str msg = atlscim_error_message(err);
        fprintf(stderr, "config: %.*s\n", (int)msg.len, msg.data);
        atlscim_error_free(err);
        return 2;
    }

    /* 2. Describe the request: pointers and lengths, no NUL terminators needed. */
    atlscim_request request = {0};
    char *body = NULL;
    request.method = argc > 2 ? argv[1] : "POST";
    request.path = argc > 2 ? argv[2] : "/Users";
    request.method_len = strlen(request.method);
    request.path_len = strlen(request.path);
    if (argc > 3) {
        if ((body = read_file(argv[3], &request.body_len)) == NULL) {
            perror(argv[3]);
            atlscim_profile_free(profile);
            return 2;
        }
        request.body = body;
    } else if (argc <= 2) {
        request.body = EXAMPLE;
        request.body_len = strlen(EXAMPLE);
    }

    /* 3. Check it. An invalid request is still ATLSCIM_STATUS_OK: the report says invalid. */
    atlscim_report *report = NULL;
    atlscim_status status = atlscim_profile_check(profile, &request, &report, &err);
    free(body); /* the report keeps its own copy */
    if (status != ATLSCIM_STATUS_OK) {
        atlscim_str msg = atlscim_error_message(err);
        fprintf(stderr, "check failed (%s): %.*s\n", atlscim_status_str(status), (int)msg.len, msg.data);
        atlscim_error_free(err);
        atlscim_profile_free(profile);
        return 2;
    }

    /* 4. Read the verdict and every issue. Views are valid until the report is freed. */
    int valid = atlscim_report_valid(report);
    if (valid) {
        printf("valid\n");
    } else {
        printf("invalid: Atlassian would answer %u\n", (unsigned)atlscim_report_status(report));
    }
    for (size_t i = 0; i < atlscim_report_issue_count(report); i++) {
        const atlscim_issue *issue = atlscim_report_issue(report, i);
        atlscim_str rule = atlscim_issue_rule(issue);
        atlscim_str pointer = atlscim_issue_pointer(issue);
        atlscim_str detail = atlscim_issue_detail(issue);
        printf("  %-7s %.*s at \"%.*s\": %.*s\n", atlscim_severity_name(atlscim_issue_severity(issue)),
               (int)rule.len, rule.data, (int)pointer.len, pointer.data, (int)detail.len, detail.data);
    }

    /* 5. A valid request whose body lenient fixes changed: send the normalized body instead. */
    if (valid && atlscim_report_changes_body(report)) {
        atlscim_bytes normalized = {NULL, 0};
        if (atlscim_report_normalized_json(report, &normalized, NULL) == ATLSCIM_STATUS_OK) {
            printf("send instead: %s\n", normalized.data); /* NUL-terminated */
        }
        atlscim_bytes_free(&normalized);
    }

    /* 6. Free what you own: the report and the profile. */
    atlscim_report_free(report);
    atlscim_profile_free(profile);
    return valid ? 0 : 1;
}
