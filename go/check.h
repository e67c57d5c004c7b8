// The C side of every call that makes a report (Profile.Check, Batch.Check, Profile.MapUser,
// Profile.MapGroup), included by the Go files that make them. In the common case a call crosses
// from Go into C once: a go_* function calls the library, gathers the verdict, copies every issue
// into buffers on the Go stack, and frees the report. The buffers hold no pointers, so cgo need
// not inspect them, and these functions neither keep what they are given nor call back into Go,
// so cgo can leave the buffers on the stack (each including file says so with #cgo noescape and
// nocallback for the functions it calls).
#ifndef ATLSCIM_GO_CHECK_H
#define ATLSCIM_GO_CHECK_H

#include <string.h>

#include "atlscim.h"

typedef struct {
	atlscim_report *report; // kept only when the issues did not fit: Go copies them with go_copy
	atlscim_error *err;
	size_t issues;
	size_t omitted;         // issues found but left out of the report (limits.max_issues)
	size_t text_bytes;      // the length of every issue's texts, together
	uint16_t status;
	uint16_t sent_status;   // the status the body as sent would get (atlscim_report_sent_status)
	bool valid, readable, changes_body;
	// Asked for at check time (go_normalize): the normalized body of a report whose lenient fixes
	// change it, for Go to copy and free; {NULL, 0} otherwise.
	atlscim_bytes normalized;
	bool nothing_to_send;
} go_result;

// One issue. Its texts (rule, path, pointer, detail, scimType) lie one after another in the text
// buffer, with these lengths.
typedef struct {
	size_t len[5];
	uint32_t severity;
	uint16_t status;
} go_issue;

// Copies the report's issues into `issues` (room for `issue_room`) and their texts into `text`
// (room for `text_room` bytes), as far as they fit. Returns the length of all the texts; they all
// fit when the issues do and that length is at most text_room.
static inline size_t go_copy(const atlscim_report *report, go_issue *issues, size_t issue_room, char *text,
                             size_t text_room) {
	size_t i, k, at = 0, n = atlscim_report_issue_count(report);
	for (i = 0; i < n; i++) {
		const atlscim_issue *issue = atlscim_report_issue(report, i);
		atlscim_str texts[5];
		texts[0] = atlscim_issue_rule(issue);
		texts[1] = atlscim_issue_path(issue);
		texts[2] = atlscim_issue_pointer(issue);
		texts[3] = atlscim_issue_detail(issue);
		texts[4] = atlscim_issue_scim_type(issue);
		for (k = 0; k < 5; k++) {
			if (i < issue_room && at + texts[k].len <= text_room && texts[k].len > 0) {
				memcpy(text + at, texts[k].data, texts[k].len);
			}
			at += texts[k].len;
		}
		if (i < issue_room) {
			for (k = 0; k < 5; k++) {
				issues[i].len[k] = texts[k].len;
			}
			issues[i].severity = atlscim_issue_severity(issue);
			issues[i].status = atlscim_issue_status(issue);
		}
	}
	return at;
}

// The request is put together on the C side: a Go struct holding pointers to Go memory may not
// be handed to C.
#define GO_REQUEST_PARAMS _GoString_ method, _GoString_ path, const char *body, size_t body_len, \
                          const char *current, size_t current_len
#define GO_REQUEST {_GoStringPtr(method), _GoStringLen(method), _GoStringPtr(path), _GoStringLen(path), \
                    body, body_len, current, current_len}

// Reads a report's verdict into r and copies its issues as go_copy does; frees the report unless
// they did not all fit, in which case r->report keeps it for Go to copy them with go_copy.
static inline void go_gather(go_result *r, go_issue *issues, size_t issue_room, char *text, size_t text_room) {
	r->valid = atlscim_report_valid(r->report);
	r->status = atlscim_report_status(r->report);
	r->sent_status = atlscim_report_sent_status(r->report);
	r->readable = atlscim_report_readable(r->report);
	r->changes_body = atlscim_report_changes_body(r->report);
	r->issues = atlscim_report_issue_count(r->report);
	r->omitted = atlscim_report_omitted(r->report);
	r->text_bytes = go_copy(r->report, issues, issue_room, text, text_room);
	if (r->issues <= issue_room && r->text_bytes <= text_room) {
		atlscim_report_free(r->report);
		r->report = NULL;
	}
}

#define GO_ROOM go_result *r, go_issue *issues, size_t issue_room, char *text, size_t text_room

// With `normalize`, builds the normalized body of a just-made report whose lenient fixes change
// the body into r->normalized (what Report.Normalized would otherwise check the request again
// for); on failure frees the report. Then gathers the report as go_gather does.
static inline atlscim_status go_finish(atlscim_status status, bool normalize, GO_ROOM) {
	if (status == ATLSCIM_STATUS_OK && normalize && atlscim_report_readable(r->report) &&
	    atlscim_report_changes_body(r->report)) {
		r->nothing_to_send = atlscim_report_nothing_to_send(r->report);
		status = atlscim_report_normalized_json(r->report, &r->normalized, &r->err);
		if (status != ATLSCIM_STATUS_OK) {
			atlscim_report_free(r->report);
			r->report = NULL;
		}
	}
	if (status == ATLSCIM_STATUS_OK) {
		go_gather(r, issues, issue_room, text, text_room);
	}
	return status;
}

// Checks a request, and gathers its report as go_finish does.
static inline atlscim_status go_check(const atlscim_profile *profile, GO_REQUEST_PARAMS, bool normalize, GO_ROOM) {
	atlscim_request request = GO_REQUEST;
	atlscim_status status = atlscim_profile_check(profile, &request, &r->report, &r->err);
	return go_finish(status, normalize, r, issues, issue_room, text, text_room);
}

// Checks the next request of a batch, and gathers its report as go_finish does.
static inline atlscim_status go_batch_check(atlscim_batch *batch, GO_REQUEST_PARAMS, bool normalize, GO_ROOM) {
	atlscim_request request = GO_REQUEST;
	atlscim_status status = atlscim_batch_check(batch, &request, &r->report, &r->err);
	return go_finish(status, normalize, r, issues, issue_room, text, text_room);
}

// Maps a user record, and gathers the report on the user as go_gather does.
static inline atlscim_status go_map_user(const atlscim_profile *profile, _GoString_ mapping, const char *record,
                                         size_t record_len, atlscim_bytes *user, GO_ROOM) {
	atlscim_status status = atlscim_profile_map_user(profile, _GoStringPtr(mapping), _GoStringLen(mapping), record,
	                                                 record_len, user, &r->report, &r->err);
	if (status == ATLSCIM_STATUS_OK) {
		go_gather(r, issues, issue_room, text, text_room);
	}
	return status;
}

// Maps a group record, and gathers the report on the group as go_gather does.
static inline atlscim_status go_map_group(const atlscim_profile *profile, const char *record, size_t record_len,
                                          const char *members, size_t members_len, atlscim_bytes *group, GO_ROOM) {
	atlscim_status status = atlscim_profile_map_group(profile, record, record_len, members, members_len, group,
	                                                  &r->report, &r->err);
	if (status == ATLSCIM_STATUS_OK) {
		go_gather(r, issues, issue_room, text, text_room);
	}
	return status;
}

#endif // ATLSCIM_GO_CHECK_H
