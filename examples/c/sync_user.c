/* Keeps one user in sync, as a connector does: maps the identity provider's record to the SCIM
 * User to send, works out the PATCH messages that turn the user Atlassian holds into it, checks
 * that applying them in turn gives that user, and reads Atlassian's answer to decide whether to
 * retry.
 *
 *   sync_user                   uses a built-in Microsoft Graph user and Atlassian's copy of it
 *   sync_user RECORD CURRENT    RECORD: a Graph user (JSON file); CURRENT: the SCIM User
 *                               Atlassian holds (JSON file)
 *
 * Exit status: 0 done, 1 the mapped user would be refused, 2 usage or I/O error.
 *
 * Build (ffi/README.md):
 *   cc -std=c99 sync_user.c $(pkg-config --cflags --libs atlscim) -o sync_user */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atlscim.h>

static const char RECORD[] =
    "{\"id\": \"87d349ed\", \"accountEnabled\": true, \"displayName\": \"Adele Vance\","
    " \"givenName\": \"Adele\", \"surname\": \"Vance\", \"jobTitle\": \"Retail Manager\","
    " \"mail\": \"AdeleV@Contoso.com\", \"userPrincipalName\": \"AdeleV@contoso.com\","
    " \"mailboxSettings\": {\"timeZone\": \"Pacific Standard Time\"}}";
static const char CURRENT[] =
    "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"id\": \"2819c223\","
    " \"externalId\": \"87d349ed\", \"userName\": \"AdeleV@contoso.com\", \"displayName\": \"Adele Vance\","
    " \"name\": {\"givenName\": \"Adele\", \"familyName\": \"Vance\"}, \"active\": true, \"title\": \"Sales\","
    " \"emails\": [{\"value\": \"AdeleV@contoso.com\", \"type\": \"work\", \"primary\": true}]}";

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

/* The next message of the JSON array atlscim_profile_diff writes (compact, `[{…},{…}]`), from
 * `*at`: its start, and its length in `*len`; NULL after the last. A connector would walk the
 * array with its own JSON library; this finds where each top-level object ends, minding strings. */
static const char *next_message(const char *array, size_t array_len, size_t *at, size_t *len) {
    size_t i = *at, depth = 0, start;
    int in_string = 0;
    while (i < array_len && array[i] != '{') i++;
    for (start = i; i < array_len; i++) {
        char c = array[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            *len = i + 1 - start;
            *at = i + 1;
            return array + start;
        }
    }
    return NULL;
}

/* Prints a failed call's status and message, frees the error, and returns 2. */
static int failed(const char *what, atlscim_status status, atlscim_error *err) {
    atlscim_str msg = atlscim_error_message(err);
    fprintf(stderr, "%s: %s: %.*s\n", what, atlscim_status_str(status), (int)msg.len, msg.data ? msg.data : "");
    atlscim_error_free(err);
    return 2;
}

int main(int argc, char **argv) {
    const char *record = RECORD, *current = CURRENT;
    char *record_file = NULL, *current_file = NULL;
    size_t record_len = strlen(RECORD), current_len = strlen(CURRENT);
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_bytes user = {NULL, 0}, messages = {NULL, 0}, applied = {NULL, 0}, answer = {NULL, 0};
    const char *message, *holds;
    size_t at = 0, message_len, holds_len;
    atlscim_report *report = NULL;
    atlscim_error *err = NULL;
    atlscim_status status;
    atlscim_header retry_after = {"Retry-After", 11, "30", 2};
    int exit_code = 0;

    if (argc == 3) {
        record = record_file = read_file(argv[1], &record_len);
        current = current_file = read_file(argv[2], &current_len);
        if (record == NULL || current == NULL) {
            fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
            exit_code = 2;
            goto done;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: sync_user [RECORD CURRENT]\n");
        exit_code = 2;
        goto done;
    }

    /* 1. The record as the SCIM User to send (Windows time zone to IANA, email domain in lower
     *    case, ...). A user Atlassian would refuse is a report, not a failed call. */
    status = atlscim_profile_map_user(profile, "entra", 5, record, record_len, &user, &report, &err);
    if (status != ATLSCIM_STATUS_OK) {
        exit_code = failed("map_user", status, err);
        goto done;
    }
    if (!atlscim_report_valid(report)) {
        atlscim_str rule = atlscim_issue_rule(atlscim_report_first_error(report));
        printf("Atlassian would refuse this user (%u, %.*s)\n", (unsigned)atlscim_report_status(report), (int)rule.len,
               rule.data);
        exit_code = 1;
        goto done;
    }
    printf("user: %s\n", user.data);

    /* 2. The PATCH messages from what Atlassian holds to that user, to send in order: a JSON array,
     *    "[]" when they agree, one message unless the change is larger than one PATCH may be. */
    status = atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_USER, current, current_len, user.data, user.len,
                                  &messages, &err);
    if (status != ATLSCIM_STATUS_OK) {
        exit_code = failed("diff", status, err);
        goto done;
    }
    if (strcmp(messages.data, "[]") == 0) {
        printf("in sync: nothing to send\n");
        goto done;
    }

    /* 3. Each message in turn, and what Atlassian will hold after it. A PATCH it would refuse fails
     *    the call with ATLSCIM_STATUS_PATCH_REFUSED, and the error says what it would answer. */
    holds = current, holds_len = current_len;
    while ((message = next_message(messages.data, messages.len, &at, &message_len)) != NULL) {
        printf("PATCH /Users/{id}: %.*s\n", (int)message_len, message);
        atlscim_bytes after = {NULL, 0};
        status = atlscim_profile_apply_patch(profile, ATLSCIM_RESOURCE_TYPE_USER, holds, holds_len, message,
                                             message_len, &after, &err);
        if (status == ATLSCIM_STATUS_PATCH_REFUSED) {
            atlscim_str rule = atlscim_error_rule(err);
            printf("refused: %u %.*s\n", (unsigned)atlscim_error_http_status(err), (int)rule.len, rule.data);
            atlscim_error_free(err);
            goto done;
        } else if (status != ATLSCIM_STATUS_OK) {
            exit_code = failed("apply_patch", status, err);
            goto done;
        }
        atlscim_bytes_free(&applied);
        applied = after;
        holds = applied.data, holds_len = applied.len;
    }
    printf("after the PATCH: %s\n", applied.data);

    /* 4. Say Atlassian answers 429: how long to wait before sending it again. */
    status = atlscim_response_classify(429, NULL, 0, &retry_after, 1, -1, &answer, &err);
    if (status != ATLSCIM_STATUS_OK) {
        exit_code = failed("classify", status, err);
        goto done;
    }
    printf("if Atlassian answers 429: %s\n", answer.data);

done:
    atlscim_bytes_free(&answer);
    atlscim_bytes_free(&applied);
    atlscim_bytes_free(&messages);
    atlscim_bytes_free(&user);
    atlscim_report_free(report);
    atlscim_profile_free(profile);
    free(record_file);
    free(current_file);
    return exit_code;
}
