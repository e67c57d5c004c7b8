package atlscim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const scimUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223",
	"userName":"bjensen@example.com","displayName":"Barbara Jensen",
	"name":{"givenName":"Barbara","familyName":"Jensen"},"active":true,"title":"Tour Guide",
	"emails":[{"value":"bjensen@example.com","type":"work","primary":true}]}`

// Entra ID disables a user: a capitalised op and a boolean as a string.
const entraDisable = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	"Operations":[{"op":"Replace","path":"active","value":"False"}]}`

const graphUser = `{"id":"87d349ed","accountEnabled":true,"displayName":"Adele Vance","givenName":"Adele",
	"surname":"Vance","mail":"AdeleV@Contoso.com","userPrincipalName":"AdeleV@contoso.com",
	"mailboxSettings":{"timeZone":"Pacific Standard Time"}}`

func TestApplyPatchAndDiff(t *testing.T) {
	p := mustProfile(t, Config{})
	got, err := p.ApplyPatch([]byte(scimUser), []byte(entraDisable), User)
	if err != nil || !strings.Contains(string(got), `"active":false`) {
		t.Fatalf("got %s, %v", got, err)
	}

	// A refused PATCH carries what a server would answer.
	refused := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"title","value":"x"},{"op":"replace","path":"id","value":"x"}]}`
	_, err = p.ApplyPatch([]byte(scimUser), []byte(refused), User)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, StatusPatchRefused) {
		t.Fatalf("got %v", err)
	}
	if e.Rule != "RFC-P-003" || e.HTTPStatus != 400 || e.ScimType != "mutability" ||
		!strings.HasPrefix(e.Pointer, "/Operations/1") || e.Path == "" {
		t.Errorf("got %#v", e)
	}

	if _, err := p.ApplyPatch([]byte(`{"id":`), []byte(entraDisable), User); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("resource that is not JSON: %v", err)
	}
	if _, err := p.ApplyPatch(nil, []byte(entraDisable), User); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("nil resource: %v", err)
	}
	if _, err := p.ApplyPatch([]byte(scimUser), []byte(entraDisable), ResourceType(7)); !errors.Is(err, StatusInvalidArgument) {
		t.Errorf("unknown resource type: %v", err)
	}

	// Diff: no messages when nothing changes; otherwise one PATCH that ApplyPatch turns into desired.
	if messages, err := p.Diff([]byte(scimUser), []byte(scimUser), User); messages != nil || err != nil {
		t.Errorf("same resource: %s, %v", messages, err)
	}
	desired := strings.Replace(scimUser, "Tour Guide", "Tour Lead", 1)
	messages, err := p.Diff([]byte(scimUser), []byte(desired), User)
	if err != nil || len(messages) != 1 || !strings.Contains(string(messages[0]), `"path":"title"`) {
		t.Fatalf("diff %s, %v", messages, err)
	}
	if applied, err := p.ApplyPatch([]byte(scimUser), messages[0], User); err != nil || !sameJSON(applied, []byte(desired)) {
		t.Errorf("round trip %s, %v", applied, err)
	}
	// Past the limits: several messages, each within them, applied in turn.
	small, err := NewProfileJSON([]byte(`{"limits": {"max_operations": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	withDepartment := strings.NewReplacer(
		`"title"`, `"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Tours"}, "title"`,
		`"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`,
		`"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]`,
	).Replace(desired)
	messages, err = small.Diff([]byte(scimUser), []byte(withDepartment), User)
	if err != nil || len(messages) != 2 {
		t.Fatalf("diff past max_operations: %s, %v", messages, err)
	}
	state := []byte(scimUser)
	for _, m := range messages {
		if state, err = small.ApplyPatch(state, m, User); err != nil {
			t.Fatalf("apply %s: %v", m, err)
		}
	}
	if !sameJSON(state, []byte(withDepartment)) {
		t.Errorf("the messages in turn give %s", state)
	}
	if _, err := p.Diff([]byte(scimUser), []byte("{"), User); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("desired that is not JSON: %v", err)
	}
}

func TestFilters(t *testing.T) {
	f, err := ParseFilter(`userName EQ "bjensen@example.com"  and not(active eq false)`, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.String() != `userName eq "bjensen@example.com" and not (active eq false)` {
		t.Errorf("canonical %q", f)
	}
	if tree, err := f.JSON(); err != nil || !strings.Contains(string(tree), `"op":"and"`) {
		t.Errorf("tree %s, %v", tree, err)
	}
	if ok, err := f.Matches([]byte(scimUser)); !ok || err != nil {
		t.Errorf("matches %v, %v", ok, err)
	}
	if ok, err := f.Matches([]byte(`{"userName":"other"}`)); ok || err != nil {
		t.Errorf("matches %v, %v", ok, err)
	}
	if _, err := f.Matches([]byte("{")); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("resource that is not JSON: %v", err)
	}

	// Entra ID's form: lenient reads it, strict refuses it.
	entra := `emails[type eq "work"].value eq "bjensen@example.com"`
	if g, err := ParseFilter(entra, false); err != nil || g.String() != `emails[type eq "work" and value eq "bjensen@example.com"]` {
		t.Errorf("lenient: %v, %v", g, err)
	}
	if _, err := ParseFilter(entra, true); !errors.Is(err, StatusInvalidFilter) {
		t.Errorf("strict: %v", err)
	}

	_, err = ParseFilter(`name eq "é" ^`, false)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidFilter || e.Offset != 12 || e.Rule != "RFC-F-001" ||
		e.HTTPStatus != 400 || e.ScimType != "invalidFilter" {
		t.Errorf("got %#v", err)
	}
	if _, err := ParseFilter("", false); !errors.Is(err, StatusInvalidFilter) {
		t.Errorf("empty filter: %v", err)
	}
	if _, err := ParseFilter("a eq \"\xff\"", false); !errors.Is(err, StatusInvalidUTF8) {
		t.Errorf("not UTF-8: %v", err)
	}

	f.Close()
	f.Close()
	if _, err := f.Matches([]byte(scimUser)); !errors.Is(err, ErrClosed) {
		t.Errorf("Matches after Close: %v", err)
	}
	if _, err := f.JSON(); !errors.Is(err, ErrClosed) {
		t.Errorf("JSON after Close: %v", err)
	}
	if f.String() == "" {
		t.Errorf("String after Close is empty")
	}
}

func TestBatch(t *testing.T) {
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	create := func(userName, email string) Request {
		return Request{Method: "POST", Path: "/Users", Body: fmt.Appendf(nil,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,`+
				`"emails":[{"value":%q,"primary":true}],"active":"True"}`, userName, email)}
	}
	first, err := b.Check(create("a@example.com", "a@example.com"))
	if err != nil || !first.Valid {
		t.Fatalf("first %+v, %v", first, err)
	}
	second, err := b.Check(create("A@Example.com", "b@example.com"))
	if err != nil || second.Valid || second.Status != 409 || second.Issues[len(second.Issues)-1].Rule != "ATL-U-007" {
		t.Fatalf("second %+v, %v", second, err)
	}
	// A failed call is not a request of the batch.
	if _, err := b.Check(Request{Method: "P\xc3", Path: "/Users"}); !errors.Is(err, StatusInvalidUTF8) {
		t.Errorf("method that is not UTF-8: %v", err)
	}
	s, err := b.Summary()
	want := BatchSummary{Requests: 2, Valid: 1, Invalid: 1, ByRule: map[string]int{"ATL-U-007": 1, "ATL-U-017": 2}}
	if err != nil || fmt.Sprint(s) != fmt.Sprint(want) {
		t.Errorf("summary %+v, want %+v (%v)", s, want, err)
	}
	// Reports with fixes build their body with the batch's profile.
	if n, err := first.Normalized(); err != nil || !strings.Contains(string(n), `"active":true`) {
		t.Errorf("normalized %s, %v", n, err)
	}

	// The batch keeps the profile's rules after the profile is closed; only building a fixed
	// body needs the profile.
	p.Close()
	third, err := b.Check(create("c@example.com", "c@example.com"))
	if err != nil || !third.Valid {
		t.Fatalf("after the profile's Close: %+v, %v", third, err)
	}
	if _, err := third.Normalized(); !errors.Is(err, ErrClosed) {
		t.Errorf("normalized with fixes after the profile's Close: %v", err)
	}
	if _, err := p.NewBatch(); !errors.Is(err, ErrClosed) {
		t.Errorf("NewBatch after Close: %v", err)
	}

	b.Close()
	b.Close()
	if _, err := b.Check(create("d@example.com", "d@example.com")); !errors.Is(err, ErrClosed) {
		t.Errorf("Check after Close: %v", err)
	}
	if _, err := b.Summary(); !errors.Is(err, ErrClosed) {
		t.Errorf("Summary after Close: %v", err)
	}
}

// Goroutines sharing one batch take turns: every request is counted once.
func TestBatchAcrossGoroutines(t *testing.T) {
	p := mustProfile(t, Config{})
	b, err := p.NewBatch()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const goroutines, rounds = 16, 20
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				name := fmt.Sprintf("u%d-%d@example.com", g, i)
				body := fmt.Appendf(nil, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":%q,`+
					`"emails":[{"value":%q,"primary":true}]}`, name, name)
				if r, err := b.Check(Request{Method: "POST", Path: "/Users", Body: body}); err != nil || !r.Valid {
					t.Errorf("%+v, %v", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if s, err := b.Summary(); err != nil || s.Requests != goroutines*rounds || s.Valid != s.Requests {
		t.Errorf("summary %+v, %v", s, err)
	}
}

func TestClassifyResponse(t *testing.T) {
	header := http.Header{}
	header.Set("Retry-After", "30")
	header.Set("Content-Type", "text/plain; charset=\xff") // not UTF-8: read as U+FFFD, not an error
	r, err := ClassifyResponse(429, nil, header, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := Response{Status: 429, Kind: ResponseRateLimited, Retryable: true, RetryAfter: 30 * time.Second,
		HasRetryAfter: true, Rule: "ATL-R-001"}
	if *r != want {
		t.Errorf("got %+v, want %+v", *r, want)
	}

	// A reset time given as a date needs the current time.
	header = http.Header{"X-Ratelimit-Reset": {"2025-11-23T12:14:20Z"}}
	now := time.Date(2025, 11, 23, 12, 14, 0, 0, time.UTC)
	if r, err := ClassifyResponse(429, nil, header, now); err != nil || r.RetryAfter != 20*time.Second {
		t.Errorf("got %+v, %v", r, err)
	}

	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"User exists"}`
	r, err = ClassifyResponse(409, []byte(body), nil, time.Time{})
	if err != nil || r.Kind != ResponseConflict || r.ScimType != "uniqueness" || r.Detail != "User exists" ||
		r.Retryable || r.HasRetryAfter {
		t.Errorf("got %+v, %v", r, err)
	}
	if r, err := ClassifyResponse(502, []byte("<html>\xff"), nil, time.Time{}); err != nil || r.Kind != ResponseServerError {
		t.Errorf("got %+v, %v", r, err)
	}
	// More headers than the C side has room for on its stack.
	header = http.Header{}
	for i := range 100 {
		header.Set(fmt.Sprintf("X-Header-%d", i), "v")
	}
	header.Set("Retry-After", "7")
	if r, err := ClassifyResponse(503, nil, header, time.Time{}); err != nil || r.RetryAfter != 7*time.Second {
		t.Errorf("got %+v, %v", r, err)
	}
	if _, err := ClassifyResponse(70000, nil, nil, time.Time{}); !errors.Is(err, StatusInvalidArgument) {
		t.Errorf("status out of range: %v", err)
	}
}

func TestMapping(t *testing.T) {
	p := mustProfile(t, Config{VerifiedDomains: []VerifiedDomain{{Domain: "contoso.com"}}})
	user, report, err := p.MapUser([]byte(graphUser), "Entra")
	if err != nil || !report.Valid {
		t.Fatalf("%s %+v %v", user, report, err)
	}
	if !strings.Contains(string(user), `"timezone":"America/Los_Angeles"`) {
		t.Errorf("user %s", user)
	}
	if n, err := report.Normalized(); err != nil || string(n) != string(user) {
		t.Errorf("normalized %s (%v), want the user", n, err)
	}
	// The report's JSON is the library's shape, with the user as normalized.
	if text, err := json.Marshal(report); err != nil || !strings.Contains(string(text), `"normalized":{"active":true`) {
		t.Errorf("report JSON %s (%v)", text, err)
	}

	custom := ` {"extends": "generic", "attributes": [{"target": "title", "from": "job"}]}`
	user, _, err = p.MapUser([]byte(`{"userName":"a@contoso.com","email":"a@contoso.com","job":"Guide"}`), custom)
	if err != nil || !strings.Contains(string(user), `"title":"Guide"`) {
		t.Errorf("custom mapping: %s, %v", user, err)
	}

	// A record Atlassian would refuse is a report, not an error.
	if _, r, err := p.MapUser([]byte(`[]`), "generic"); err != nil || r.Valid || r.Issues[0].Rule != "MAP-001" {
		t.Errorf("got %+v, %v", r, err)
	}
	var e *Error
	if _, _, err := p.MapUser([]byte(graphUser), "entar"); !errors.As(err, &e) || e.Status != StatusInvalidMapping ||
		!strings.Contains(e.Message, "did you mean entra") {
		t.Errorf("unknown preset: %v", err)
	}
	bad := `{"attributes": [{"target": "favouriteColour", "from": "c"}]}`
	if _, _, err := p.MapUser([]byte(graphUser), bad); !errors.As(err, &e) || e.Key != "attributes[0] (favouriteColour)" {
		t.Errorf("bad entry: %v", err)
	}
	if _, _, err := p.MapUser([]byte("{"), "entra"); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("record that is not JSON: %v", err)
	}

	group := `{"id":"00g1","type":"OKTA_GROUP","profile":{"name":"engineering"}}`
	g, r, err := p.MapGroup([]byte(group), []byte(`["2819c223"]`))
	if err != nil || !r.Valid || !strings.Contains(string(g), `"members":[{"value":"2819c223"}]`) {
		t.Errorf("group %s %+v %v", g, r, err)
	}
	if _, _, err := p.MapGroup([]byte(group), []byte("[")); !errors.Is(err, StatusInvalidJSON) {
		t.Errorf("members that are not JSON: %v", err)
	}

	p.Close()
	if _, _, err := p.MapUser([]byte(graphUser), "entra"); !errors.Is(err, ErrClosed) {
		t.Errorf("MapUser after Close: %v", err)
	}
	if _, err := p.ApplyPatch([]byte(scimUser), []byte(entraDisable), User); !errors.Is(err, ErrClosed) {
		t.Errorf("ApplyPatch after Close: %v", err)
	}
	if _, err := p.Diff([]byte(scimUser), []byte(scimUser), User); !errors.Is(err, ErrClosed) {
		t.Errorf("Diff after Close: %v", err)
	}
}

func TestNormalizers(t *testing.T) {
	if tz, err := NormalizeTimezone("Pacific Standard Time"); err != nil ||
		tz != (Timezone{Name: "Pacific Standard Time", Canonical: "America/Los_Angeles", Kind: "windows"}) {
		t.Errorf("got %+v, %v", tz, err)
	}
	_, err := NormalizeTimezone("PST")
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusNotNormalizable || e.Reason != "abbreviation" ||
		e.Suggestion != "America/Los_Angeles" {
		t.Errorf("got %#v", err)
	}
	if tag, err := NormalizeLocale("en_us"); err != nil || tag != (LanguageTag{Tag: "en-US", Language: "en", Region: "US"}) {
		t.Errorf("got %+v, %v", tag, err)
	}
	if _, err := NormalizeLocale(""); !errors.As(err, &e) || e.Reason != "empty" {
		t.Errorf("got %v", err)
	}
	list, err := ParseAcceptLanguage("da, en-gb;q=0.8, xx-;q=0.9")
	if err != nil || list.Best == nil || list.Best.Tag != "da" || len(list.Ranges) != 2 || list.Ranges[1].Quality != 800 ||
		len(list.Errors) != 1 || list.Errors[0].Index != 2 {
		t.Errorf("got %+v, %v", list, err)
	}
	if lang, err := NearestAtlassianLanguage("fr-CA"); lang != "fr-FR" || err != nil {
		t.Errorf("got %q, %v", lang, err)
	}
	if lang, err := NearestAtlassianLanguage("ar-SA"); lang != "" || err != nil {
		t.Errorf("got %q, %v", lang, err)
	}
	if email, err := NormalizeEmail(" Jane.Doe@Bücher.DE "); err != nil || email.Address != "Jane.Doe@xn--bcher-kva.de" {
		t.Errorf("got %+v, %v", email, err)
	}
	if _, err := NormalizeEmail("jane@"); !errors.As(err, &e) || e.Reason != "invalid" {
		t.Errorf("got %v", err)
	}
	if n, err := SplitDisplayName("Dr. Jane Doe"); err != nil || n != (NameParts{Given: "Jane", Family: "Doe", Prefix: "Dr."}) {
		t.Errorf("got %+v, %v", n, err)
	}
	if d, err := JoinDisplayName(" Ludwig ", "van  Beethoven"); d != "Ludwig van Beethoven" || err != nil {
		t.Errorf("got %q, %v", d, err)
	}
	if _, err := JoinDisplayName("\xff", ""); !errors.Is(err, StatusInvalidUTF8) {
		t.Errorf("not UTF-8: %v", err)
	}
}

// One profile and one filter shared by 64 goroutines: each gets what one goroutine gets.
func TestOperationsAcrossGoroutines(t *testing.T) {
	p := mustProfile(t, Config{})
	f, err := ParseFilter(`emails[type eq "work"]`, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	desired := strings.Replace(scimUser, "Tour Guide", "Tour Lead", 1)
	wantPatched, err1 := p.ApplyPatch([]byte(scimUser), []byte(entraDisable), User)
	wantDiff, err2 := p.Diff([]byte(scimUser), []byte(desired), User)
	wantUser, _, err3 := p.MapUser([]byte(graphUser), "entra")
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				patched, err1 := p.ApplyPatch([]byte(scimUser), []byte(entraDisable), User)
				diff, err2 := p.Diff([]byte(scimUser), []byte(desired), User)
				user, report, err3 := p.MapUser([]byte(graphUser), "entra")
				matches, err4 := f.Matches([]byte(scimUser))
				if err := errors.Join(err1, err2, err3, err4); err != nil {
					errs <- err.Error()
					return
				}
				if string(patched) != string(wantPatched) || fmt.Sprint(diff) != fmt.Sprint(wantDiff) ||
					string(user) != string(wantUser) || !report.Valid || !matches {
					errs <- "a goroutine got a different result"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Batches and filters nobody closes are freed by their cleanups once unreachable.
func TestUnreachableBatchesAndFiltersAreFreed(t *testing.T) {
	p := mustProfile(t, Config{})
	before := handlesFreedByCleanup.Load()
	for range 25 {
		if _, err := p.NewBatch(); err != nil {
			t.Fatal(err)
		}
		if _, err := ParseFilter("userName pr", false); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for handlesFreedByCleanup.Load()-before < 50 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := handlesFreedByCleanup.Load() - before; n < 50 {
		t.Errorf("cleanups freed %d of 50 handles", n)
	}
}

func TestKeyExpiryWarnsWithinTheWindow(t *testing.T) {
	day := 24 * time.Hour
	expires := time.Unix(1800000000, 0)
	cases := []struct {
		now      time.Time
		warnDays int
		state    KeyState
		left     int64
	}{
		{expires.Add(-31 * day), 30, KeyValid, 31},
		{expires.Add(-30 * day), 30, KeyExpiresSoon, 30},
		{expires.Add(-10 * day), 7, KeyValid, 10},
		{expires, 30, KeyExpired, 0},
		{expires.Add(day + time.Second), 30, KeyExpired, -2},
		{expires.Add(-time.Second), -5, KeyValid, 0}, // a negative window is no window
	}
	for _, c := range cases {
		if state, left := KeyExpiry(expires, c.now, c.warnDays); state != c.state || left != c.left {
			t.Errorf("KeyExpiry(%v, %v, %d) = %s %d, want %s %d", expires, c.now, c.warnDays, state, left, c.state, c.left)
		}
	}
}

func TestProfileKeyExpiryReadsTheConfiguredDate(t *testing.T) {
	day := 24 * time.Hour
	expires := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	p, err := NewProfile(Config{KeyExpires: "2027-05-01", KeyExpiryWarningDays: 14})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, c := range []struct {
		now   time.Time
		state KeyState
		left  int64
	}{
		{expires.Add(-15 * day), KeyValid, 15},
		{expires.Add(-14 * day), KeyExpiresSoon, 14},
		{expires, KeyExpired, 0},
	} {
		if state, left, ok := p.KeyExpiry(c.now); !ok || state != c.state || left != c.left {
			t.Errorf("KeyExpiry(%v) = %s %d %v, want %s %d", c.now, state, left, ok, c.state, c.left)
		}
	}
	none, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer none.Close()
	if _, _, ok := none.KeyExpiry(expires); ok {
		t.Error("a profile without key_expires has no key expiry")
	}
}

func TestSentStatusIsWhatTheBodyAsSentGets(t *testing.T) {
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// A create without schemas: valid once lenient mode adds them, refused as sent.
	r, err := p.Check(Request{Method: "POST", Path: "/Users",
		Body: []byte(`{"userName":"a@example.com","emails":[{"value":"a@example.com","primary":true}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid || r.Status != 0 || r.SentStatus != 400 {
		t.Errorf("valid %v status %d sentStatus %d, want true 0 400", r.Valid, r.Status, r.SentStatus)
	}
	out, _ := json.Marshal(r)
	if !strings.Contains(string(out), `"sentStatus":400`) {
		t.Errorf("report JSON %s has no sentStatus 400", out)
	}
}
