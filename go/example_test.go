package atlscim_test

import (
	"fmt"
	"log"

	atlscim "example.invalid/atlscim/go"
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

	// Entra ID sends booleans as strings; lenient mode fixes that in the body to send.
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
	// {"active":true,"emails":[{"primary":true,"type":"work","value":"bjensen@example.com"}],"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com"}
}
