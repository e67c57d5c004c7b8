package atlscim_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	atlscim "github.com/atlscim/atlscim/go"
)

func Example() {
	// Build a profile once; share it between goroutines; Close it when done.
	profile, err := atlscim.NewProfile(atlscim.Config{
		VerifiedDomains: []atlscim.VerifiedDomain{{Domain: "example.com"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer profile.Close()

	body := []byte(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "bjensen@example.com",
		"emails": [{"value": "bjensen@example.com", "type": "work"}]}`)
	report, err := profile.Check(atlscim.Request{Method: "POST", Path: "/Users", Body: body})
	if err != nil {
		log.Fatal(err) // the call failed; an invalid request is not an error
	}
	fmt.Println("valid:", report.Valid, "status:", report.Status)
	for _, issue := range report.Issues {
		fmt.Println(issue.Severity, issue.Rule, issue.Pointer)
	}
	// Output:
	// valid: false status: 400
	// error ATL-U-003 /emails
}

func ExampleReport_Normalized() {
	profile, err := atlscim.NewProfile(atlscim.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer profile.Close()

	// Entra ID sends booleans as strings; lenient mode fixes that in the body to send (written
	// in place: what the fixes do not touch is sent as it was written).
	body := []byte(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "bjensen@example.com", "active": "True",
		"emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}]}`)
	report, err := profile.Check(atlscim.Request{Method: "POST", Path: "/Users", Body: body})
	if err != nil {
		log.Fatal(err)
	}
	send, err := report.Normalized()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.Valid, report.Issues[0].Rule)
	fmt.Println(string(send))
	// Output:
	// true ATL-U-017
	// {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com","active":true,"emails":[{"value": "bjensen@example.com", "type": "work", "primary": true}]}
}

func ExampleProfile_ApplyPatch() {
	profile, err := atlscim.NewProfile(atlscim.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer profile.Close()

	user := []byte(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223",
		"userName": "bjensen@example.com", "active": true}`)
	// Entra ID's dialect: a capitalised op, a boolean as a string.
	patch := []byte(`{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "path": "active", "value": "False"}]}`)
	patched, err := profile.ApplyPatch(user, patch, atlscim.User)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(patched))

	// A PATCH a server would refuse is an *Error saying what it would answer.
	patch = []byte(`{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "remove", "path": "userName"}]}`)
	_, err = profile.ApplyPatch(user, patch, atlscim.User)
	var e *atlscim.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status.String(), e.Rule, e.HTTPStatus, e.ScimType)
	}

	// And the PATCH messages that turn one resource into another, to send in order (one here).
	desired := []byte(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "2819c223",
		"userName": "bjensen@example.com", "active": true, "title": "Tour Guide"}`)
	messages, err := profile.Diff(user, desired, atlscim.User)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range messages {
		fmt.Println(string(m))
	}
	// Output:
	// {"active":false,"id":"2819c223","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com"}
	// PATCH refused RFC-P-005 400 invalidValue
	// {"Operations":[{"op":"replace","path":"title","value":"Tour Guide"}],"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}
}

func ExampleParseFilter() {
	filter, err := atlscim.ParseFilter(`emails[type eq "work"].value eq "bjensen@example.com"`, false)
	if err != nil {
		log.Fatal(err)
	}
	defer filter.Close()
	matches, err := filter.Matches([]byte(`{"emails": [{"type": "work", "value": "BJensen@example.com"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filter, matches)

	_, err = atlscim.ParseFilter(`userName eq`, false)
	var e *atlscim.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status.String(), "at character", e.Offset, e.Rule, e.ScimType)
	}
	// Output:
	// emails[type eq "work" and value eq "bjensen@example.com"] true
	// invalid filter at character 11 RFC-F-001 invalidFilter
}

func ExampleProfile_NewBatch() {
	profile, err := atlscim.NewProfile(atlscim.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer profile.Close()
	batch, err := profile.NewBatch()
	if err != nil {
		log.Fatal(err)
	}
	defer batch.Close()

	for _, userName := range []string{"a@example.com", "b@example.com", "A@Example.com"} {
		body := fmt.Appendf(nil, `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": %q,
			"emails": [{"value": %q, "primary": true}]}`, userName, userName)
		report, err := batch.Check(atlscim.Request{Method: "POST", Path: "/Users", Body: body})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(userName, report.Valid, report.Status)
	}
	summary, err := batch.Summary()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(summary.Requests, summary.Invalid, summary.ByRule)
	// Output:
	// a@example.com true 0
	// b@example.com true 0
	// A@Example.com false 409
	// 3 1 map[ATL-U-007:2]
}

func ExampleClassifyResponse() {
	header := http.Header{"Retry-After": {"30"}}
	response, err := atlscim.ClassifyResponse(429, nil, header, time.Time{})
	if err != nil {
		log.Fatal(err)
	}
	if response.Retryable && response.HasRetryAfter {
		fmt.Println(response.Kind, "retry in", response.RetryAfter, response.Rule)
	}
	// Output:
	// rate_limited retry in 30s ATL-R-001
}

func ExampleProfile_MapUser() {
	profile, err := atlscim.NewProfile(atlscim.Config{VerifiedDomains: []atlscim.VerifiedDomain{{Domain: "contoso.com"}}})
	if err != nil {
		log.Fatal(err)
	}
	defer profile.Close()

	graphUser := []byte(`{"id": "87d349ed", "accountEnabled": true, "displayName": "Adele Vance",
		"givenName": "Adele", "surname": "Vance", "mail": "AdeleV@Contoso.com",
		"userPrincipalName": "AdeleV@contoso.com", "mailboxSettings": {"timeZone": "Pacific Standard Time"}}`)
	user, report, err := profile.MapUser(graphUser, "entra")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(report.Valid)
	fmt.Println(string(user))

	tz, err := atlscim.NormalizeTimezone("PST")
	var e *atlscim.Error
	if errors.As(err, &e) {
		fmt.Println(tz.Canonical == "", e.Reason, e.Suggestion)
	}
	// Output:
	// true
	// {"active":true,"displayName":"Adele Vance","emails":[{"primary":true,"type":"work","value":"AdeleV@contoso.com"}],"externalId":"87d349ed","name":{"familyName":"Vance","givenName":"Adele"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"timezone":"America/Los_Angeles","userName":"AdeleV@contoso.com"}
	// true abbreviation America/Los_Angeles
}
