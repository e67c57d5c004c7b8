// The header from C++: it compiles with warnings as errors, its extern "C" guards let the
// program link against the library, and its enums keep their fixed 32-bit underlying type.
#include "atlscim.h"

#include <cstdio>
#include <cstring>
#include <type_traits>

static_assert(std::is_same<std::underlying_type<atlscim_status>::type, uint32_t>::value,
              "atlscim_status is 32 bits, as in C");
static_assert(std::is_same<std::underlying_type<atlscim_severity>::type, uint32_t>::value,
              "atlscim_severity is 32 bits, as in C");
static_assert(ATLSCIM_STATUS_OK == 0, "0 is OK");

int main() {
    atlscim_profile *profile = nullptr;
    atlscim_error *err = nullptr;
    static const char config[] = "{\"verified_domains\": [\"example.com\"]}";
    if (atlscim_profile_new(config, sizeof config - 1, &profile, &err) != ATLSCIM_STATUS_OK) {
        atlscim_error_free(err);
        return 1;
    }
    atlscim_request request = {};
    request.method = "GET";
    request.method_len = 3;
    request.path = "/Users";
    request.path_len = 6;
    atlscim_report *report = nullptr;
    atlscim_status status = atlscim_profile_check(profile, &request, &report, nullptr);
    bool ok = status == ATLSCIM_STATUS_OK && atlscim_report_valid(report) &&
              std::strcmp(atlscim_version(), ATLSCIM_VERSION) == 0;
    atlscim_report_free(report);

    // The number types take their constants without casts, in C++ as in C.
    static const char group[] = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"a\"}";
    atlscim_bytes patch = {nullptr, 0};
    ok = ok && atlscim_profile_diff(profile, ATLSCIM_RESOURCE_TYPE_GROUP, group, sizeof group - 1, group,
                                    sizeof group - 1, &patch, nullptr) == ATLSCIM_STATUS_OK &&
         std::strcmp(patch.data, "[]") == 0;
    atlscim_bytes_free(&patch);
    atlscim_bytes tz = {nullptr, 0};
    ok = ok && atlscim_normalize(ATLSCIM_NORMALIZER_TIMEZONE, "utc", 3, &tz, nullptr) == ATLSCIM_STATUS_OK;
    atlscim_bytes_free(&tz);
    atlscim_profile_free(profile);
    std::printf("test_cpp: %s (atlscim %s)\n", ok ? "ok" : "FAILED", atlscim_version());
    return ok ? 0 : 1;
}
