// A Go program as a user of the module writes it: it requires github.com/atlscim/atlscim/go and
// finds the library through pkg-config (the C tarball's atlscim.pc). scripts/dist-test.sh builds
// it outside the repository and runs it; it exits 0 when a check gives Atlassian's verdict on a
// user without a primary email (400, ATL-U-003).
package main

import (
	"fmt"
	"os"

	atlscim "github.com/atlscim/atlscim/go"
)

func main() {
	profile, err := atlscim.NewProfile(atlscim.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer profile.Close()
	body := []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com",
		"emails":[{"value":"bjensen@example.com","type":"work"}]}`)
	report, err := profile.Check(atlscim.Request{Method: "POST", Path: "/Users", Body: body})
	if err != nil || report.Valid || report.Status != 400 || len(report.Issues) == 0 || report.Issues[0].Rule != "ATL-U-003" {
		fmt.Fprintf(os.Stderr, "unexpected: %+v %v\n", report, err)
		os.Exit(1)
	}
	fmt.Printf("atlscim %s: POST /Users -> %d %s\n", atlscim.Version(), report.Status, report.Issues[0].Rule)
}
