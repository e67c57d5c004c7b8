/* A C program as a user of the C tarball writes it: it knows only what pkg-config tells it.
 * scripts/dist-test.sh builds it outside the repository, linked shared and static, and runs it
 * under valgrind. It exits 0 when the header and the library agree on the version and a check
 * gives Atlassian's verdict on a user without a primary email (400, ATL-U-003). */
#include <stdio.h>
#include <string.h>

#include <atlscim.h>

int main(void) {
    if (strcmp(atlscim_version(), ATLSCIM_VERSION) != 0) {
        fprintf(stderr, "header %s, library %s\n", ATLSCIM_VERSION, atlscim_version());
        return 1;
    }
    const char *body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                       "\"userName\":\"bjensen@example.com\","
                       "\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\"}]}";
    atlscim_profile *profile = atlscim_profile_atlassian();
    atlscim_request request = {"POST", 4, "/Users", 6, body, strlen(body), NULL, 0};
    atlscim_report *report = NULL;
    int ok = 0;
    if (profile && atlscim_profile_check(profile, &request, &report, NULL) == ATLSCIM_STATUS_OK &&
        atlscim_report_issue_count(report) > 0) {
        atlscim_str rule = atlscim_issue_rule(atlscim_report_issue(report, 0));
        unsigned status = (unsigned)atlscim_report_status(report);
        printf("atlscim %s: POST /Users -> %u %.*s\n", atlscim_version(), status, (int)rule.len, rule.data);
        ok = !atlscim_report_valid(report) && status == 400 && rule.len == 9 && memcmp(rule.data, "ATL-U-003", 9) == 0;
    }
    atlscim_report_free(report);
    atlscim_profile_free(profile);
    return ok ? 0 : 1;
}
