package atlscim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The shared vectors (tests/vectors, format in its README): every binding must reach the same
// verdict on every case. Each file has a kind (absent means "check"); a file of a kind this test
// does not run fails the test, so that no vector goes unrun unnoticed, and so does a case with a
// key these tests do not know (a misspelt key must not switch an assertion off).
// ATLSCIM_VECTORS_DIR points the tests at another directory (scripts/test-vector-runners.sh runs
// them on deliberately broken copies, which must fail).

type vectorCase struct {
	Name    string          `json:"name"`
	Config  json.RawMessage `json:"config"`
	Request struct {
		Method  string          `json:"method"`
		Path    string          `json:"path"`
		Body    json.RawMessage `json:"body"`
		Current json.RawMessage `json:"current"`
	} `json:"request"`
	Expect struct {
		Valid      bool            `json:"valid"`
		Status     *int            `json:"status"`
		Issues     [][3]string     `json:"issues"`
		IssueOrder string          `json:"issue_order"`
		Details    *[]string       `json:"details"`     // each issue's detail in report order; nil: not asserted
		Omitted    *int            `json:"omitted"`     // nil: not asserted
		SentStatus json.RawMessage `json:"sent_status"` // a number or null; nil: not asserted
		Statuses   json.RawMessage `json:"statuses"`    // each issue's [status, scimType]; nil: not asserted
		Normalized json.RawMessage `json:"normalized"`  // nil: not asserted
	} `json:"expect"`
}

// vectorKinds are the kinds of vector file (tests/vectors/README.md "Kinds") these tests run,
// each by the test named.
var vectorKinds = map[string]string{
	"check":      "TestSharedVectors",
	"patch":      "TestPatchVectors",
	"diff":       "TestDiffVectors",
	"batch":      "TestBatchVectors",
	"response":   "TestResponseVectors",
	"map":        "TestMapVectors",
	"rule":       "TestRuleVectors",
	"key_expiry": "TestKeyExpiryVectors",
}

// vectorFile is one vector file: its kind (absent means "check") and its cases, unread.
type vectorFile struct {
	Name  string
	Kind  string          `json:"kind"`
	Cases json.RawMessage `json:"cases"`
	raw   any             // the whole file, for its form (lintFile)
}

// vectorsDir is tests/vectors, or ATLSCIM_VECTORS_DIR.
func vectorsDir() string {
	if dir := os.Getenv("ATLSCIM_VECTORS_DIR"); dir != "" {
		return dir
	}
	return "../tests/vectors"
}

// loadVectorFiles reads every vector file.
func loadVectorFiles(t testing.TB) []vectorFile {
	t.Helper()
	dir := vectorsDir()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no vector files in %s (%v)", dir, err)
	}
	slices.Sort(paths)
	var files []vectorFile
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := vectorFile{Name: filepath.Base(path)}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := json.Unmarshal(data, &f.raw); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if f.Kind == "" {
			f.Kind = "check"
		}
		files = append(files, f)
	}
	return files
}

// loadCases reads the cases of every file of one kind into a slice of T.
func loadCases[T any](t testing.TB, kind string) []T {
	t.Helper()
	var cases []T
	for _, f := range loadVectorFiles(t) {
		if f.Kind != kind {
			continue
		}
		for _, problem := range lintFile(f) {
			t.Errorf("%s", problem)
		}
		var fileCases []T
		if err := json.Unmarshal(f.Cases, &fileCases); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		cases = append(cases, fileCases...)
	}
	if len(cases) == 0 {
		t.Fatalf("no %q vectors", kind)
	}
	return cases
}

// loadVectors reads every "check" case.
func loadVectors(t testing.TB) []vectorCase {
	return loadCases[vectorCase](t, "check")
}

// Every vector file is of a kind these tests run: a runner fails on a kind it does not know.
func TestVectorKindsAreKnown(t *testing.T) {
	for _, f := range loadVectorFiles(t) {
		if _, ok := vectorKinds[f.Kind]; !ok {
			t.Errorf("vector file %s (kind %q): a kind the Go tests do not run", f.Name, f.Kind)
		}
	}
}

// Every case of every vector file has the form its kind gives (README): no unknown or missing
// key, issue orders and derivations stated.
func TestVectorForms(t *testing.T) {
	for _, f := range loadVectorFiles(t) {
		for _, problem := range lintFile(f) {
			t.Errorf("%s", problem)
		}
	}
}

// isNull says whether a raw member is absent or null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// requestOf builds the request a case describes: a string body is the raw body text, a
// $generate body is generated, any other value is sent as the JSON text the vector holds.
func requestOf(c *vectorCase) (Request, error) {
	req := Request{Method: c.Request.Method, Path: c.Request.Path}
	if !isNull(c.Request.Current) {
		req.Current = c.Request.Current
	}
	raw := c.Request.Body
	switch {
	case isNull(raw):
	case raw[0] == '"':
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return req, err
		}
		req.Body = []byte(text)
	default:
		var gen struct {
			Generate string `json:"$generate"`
			Depth    int    `json:"depth"`
			Bytes    int    `json:"bytes"`
			Key      string `json:"key"`
		}
		if raw[0] == '{' {
			if err := json.Unmarshal(raw, &gen); err != nil {
				return req, err
			}
		}
		switch gen.Generate {
		case "":
			req.Body = raw
		case "nested_arrays":
			req.Body = fmt.Appendf(nil, `{"%s":%s%s}`, gen.Key, strings.Repeat("[", gen.Depth), strings.Repeat("]", gen.Depth))
		case "long_string":
			req.Body = fmt.Appendf(nil,
				`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a@example.com",`+
					`"emails":[{"value":"a@example.com","primary":true}],"%s":"%s"}`, gen.Key, strings.Repeat("a", gen.Bytes))
		default:
			return req, fmt.Errorf("unknown generator %q", gen.Generate)
		}
	}
	return req, nil
}

func profileOf(c *vectorCase) (*Profile, error) {
	if isNull(c.Config) {
		return NewProfile(Config{})
	}
	return NewProfileJSON(c.Config)
}

// triples gives a report's issues as [severity, rule, pointer], in report order.
func triples(issues []Issue) [][3]string {
	out := make([][3]string, len(issues))
	for i, is := range issues {
		out[i] = [3]string{string(is.Severity), is.Rule, is.Pointer}
	}
	return out
}

func sortTriples(t [][3]string) [][3]string {
	slices.SortFunc(t, func(a, b [3]string) int {
		return strings.Compare(strings.Join(a[:], "\x00"), strings.Join(b[:], "\x00"))
	})
	return t
}

// sameJSON compares two JSON texts as values.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// verdict is what a vector expects of a report.
type verdict struct {
	Valid  bool        `json:"valid"`
	Status *int        `json:"status"`
	Issues [][3]string `json:"issues"`
	// IssueOrder "any": the issues are compared as sorted lists; else in report order.
	IssueOrder string `json:"issue_order"`
}

// differences compares a report with a verdict; it returns what differs.
func (v *verdict) differences(r *Report) []string {
	var diffs []string
	if r.Valid != v.Valid {
		diffs = append(diffs, fmt.Sprintf("valid %v, expected %v", r.Valid, v.Valid))
	}
	if want := valueOf(v.Status); r.Status != want {
		diffs = append(diffs, fmt.Sprintf("status %d, expected %d", r.Status, want))
	}
	got, want := triples(r.Issues), slices.Clone(v.Issues)
	order := "in report order"
	if v.IssueOrder == "any" {
		got, want, order = sortTriples(got), sortTriples(want), "any order"
	}
	if len(want) == 0 {
		want = [][3]string{}
	}
	if !reflect.DeepEqual(got, want) {
		diffs = append(diffs, fmt.Sprintf("issues (%s)\n    got  %q\n    want %q", order, got, want))
	}
	return diffs
}

// verify checks a report against its case; it returns what differs.
func verify(c *vectorCase, r *Report) []string {
	v := verdict{Valid: c.Expect.Valid, Status: c.Expect.Status, Issues: c.Expect.Issues, IssueOrder: c.Expect.IssueOrder}
	diffs := v.differences(r)
	if c.Expect.Details != nil {
		got := make([]string, len(r.Issues))
		for i, issue := range r.Issues {
			got[i] = issue.Detail
		}
		if !slices.Equal(got, *c.Expect.Details) {
			diffs = append(diffs, fmt.Sprintf("details\n    got  %q\n    want %q", got, *c.Expect.Details))
		}
	}
	if c.Expect.Statuses != nil {
		// Each issue's status and scimType in report order (0 and "" are null in the vectors).
		got := make([][2]any, len(r.Issues))
		for i, issue := range r.Issues {
			var scim any
			if issue.ScimType != "" {
				scim = issue.ScimType
			}
			got[i] = [2]any{nullIfZero(issue.Status), scim}
		}
		text, _ := json.Marshal(got)
		if !sameJSON(text, c.Expect.Statuses) {
			diffs = append(diffs, fmt.Sprintf("statuses\n    got  %s\n    want %s", text, c.Expect.Statuses))
		}
	}
	if c.Expect.Omitted != nil && r.Omitted != *c.Expect.Omitted {
		diffs = append(diffs, fmt.Sprintf("omitted %d, expected %d", r.Omitted, *c.Expect.Omitted))
	}
	if c.Expect.SentStatus != nil {
		// 0 is "accepted as sent", null in the vectors.
		got, _ := json.Marshal(nullIfZero(r.SentStatus))
		if !sameJSON(got, c.Expect.SentStatus) {
			diffs = append(diffs, fmt.Sprintf("sent_status %s, expected %s", got, c.Expect.SentStatus))
		}
	}
	if c.Expect.Normalized != nil {
		normalized, err := r.Normalized()
		if normalized == nil {
			normalized = json.RawMessage("null")
		}
		if err != nil || !sameJSON(normalized, c.Expect.Normalized) {
			diffs = append(diffs, fmt.Sprintf("normalized (%v)\n    got  %s\n    want %s", err, normalized, c.Expect.Normalized))
		}
	}
	return diffs
}

func TestSharedVectors(t *testing.T) {
	cases := loadVectors(t)
	ran := 0
	for i := range cases {
		c := &cases[i]
		req, err := requestOf(c)
		if err != nil {
			t.Errorf("%s: cannot build the request: %v", c.Name, err)
			continue
		}
		p, err := profileOf(c)
		if err != nil {
			t.Errorf("%s: config: %v", c.Name, err)
			continue
		}
		report, err := p.Check(req)
		if err != nil {
			t.Errorf("%s: check failed: %v", c.Name, err)
			p.Close()
			continue
		}
		ran++
		for _, d := range verify(c, report) {
			t.Errorf("%s: %s", c.Name, d)
		}
		// The Go structs write the same report JSON as the library.
		want, err := p.reportJSON(req)
		if err != nil {
			t.Errorf("%s: report JSON: %v", c.Name, err)
		} else if got, err := json.Marshal(report); err != nil || !sameJSON(got, want) {
			t.Errorf("%s: report JSON (%v)\n    go      %s\n    library %s", c.Name, err, got, want)
		}
		p.Close()
	}
	t.Logf("shared vectors (Go): %d cases run", ran)
	if ran != len(cases) || ran == 0 {
		t.Fatalf("ran %d of %d cases", ran, len(cases))
	}
}

// The report's JSON reads back into an equal report.
func TestReportJSONRoundTrip(t *testing.T) {
	p, err := NewProfile(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cases := loadVectors(t)
	for _, c := range cases {
		req, err := requestOf(&c)
		if err != nil || len(req.Body) > 1<<16 {
			continue
		}
		report, err := p.Check(req)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		text, err := json.Marshal(report)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		var back Report
		if err := json.Unmarshal(text, &back); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		again, err := json.Marshal(back)
		if err != nil || !bytes.Equal(text, again) {
			t.Errorf("%s: round trip changed the report\n    %s\n    %s", c.Name, text, again)
		}
	}
}
