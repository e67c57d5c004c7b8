//go:build linux

package atlscim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/atlscim/atlscim/go/internal/smallstack"
)

// Recursion ceilings on a 1 MiB stack (docs/robustness.md "Limits"): the deepest input each limit
// accepts is checked and applied by the library on a system thread whose stack is 1 MiB, as an
// appliance's would be; one level past the ceiling is a located issue. An overflow would kill the
// test binary with SIGSEGV.

const smallStack = 1 << 20

// onSmallStack runs fn so that its calls into the library run on a 1 MiB stack.
func onSmallStack(t *testing.T, fn func()) {
	t.Helper()
	if err := smallstack.Run(smallStack, fn); err != nil {
		t.Fatal(err)
	}
}

// deepestFilter nests a filter `depth` levels, each costing the most stack a level can (as in
// core/tests/recursion.rs): a value filter, then `not (… and a pr or b pr)` around it.
func deepestFilter(depth int) string {
	return strings.Repeat("not (", depth-1) + `emails[type eq "work" and value pr or primary eq true]` +
		strings.Repeat(" and a pr or b pr)", depth-1)
}

func getFilter(filter string) Request {
	return Request{Method: "GET", Path: "/Users?filter=" + url.QueryEscape(filter)}
}

// memberPatch removes members[((…(value eq "u1")…))], nested `depth` levels with the brackets,
// or, given a chain, members[chain].
func memberPatch(filter string) []byte {
	op, _ := json.Marshal(map[string]string{"op": "remove", "path": "members[" + filter + "]"})
	return []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + string(op) + `]}`)
}

func nestedParens(depth int) string {
	return strings.Repeat("(", depth-1) + `value eq "u1"` + strings.Repeat(")", depth-1)
}

var smallStackGroup = []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"staff",` +
	`"members":[{"value":"u1"},{"value":"u2"}]}`)

func onlyIssue(r *Report, rule, pointer string) bool {
	return len(r.Issues) == 1 && r.Issues[0].Rule == rule && r.Issues[0].Pointer == pointer
}

func TestRecursionCeilingsOnASmallStack(t *testing.T) {
	raised := []byte(`{"profile":"rfc","limits":{"max_filter_depth":64,"max_filter_terms":1000000,"max_filter_length":100000000,"max_string_bytes":100000000}}`)
	p, err := NewProfileJSON(raised)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	onSmallStack(t, func() {
		if size := smallstack.CurrentStackSize(); size != smallStack {
			t.Errorf("the library's calls run on a %d-byte stack, not %d", size, smallStack)
		}
		// A GET filter at the ceiling is accepted; one more level is RFC-F-001 at the filter.
		if r, err := p.Check(getFilter(deepestFilter(64))); err != nil || !r.Valid {
			t.Errorf("GET at the ceiling: %v %+v", err, r)
		}
		if r, err := p.Check(getFilter(deepestFilter(65))); err != nil || !onlyIssue(r, "RFC-F-001", "/filter") {
			t.Errorf("GET past the ceiling: %v %+v", err, r)
		}
		// A PATCH path value filter at the ceiling is checked and applied; one more is RFC-P-002.
		at := memberPatch(nestedParens(64))
		if r, err := p.Check(Request{Method: "PATCH", Path: "/Groups/g1", Body: at, Current: smallStackGroup}); err != nil || !r.Valid {
			t.Errorf("PATCH at the ceiling: %v %+v", err, r)
		}
		if out, err := p.ApplyPatch(smallStackGroup, at, Group); err != nil || !strings.Contains(string(out), `"members":[{"value":"u2"}]`) {
			t.Errorf("apply at the ceiling: %v %s", err, out)
		}
		past := memberPatch(nestedParens(65))
		if r, err := p.Check(Request{Method: "PATCH", Path: "/Groups/g1", Body: past, Current: smallStackGroup}); err != nil || !onlyIssue(r, "RFC-P-002", "/Operations/0/path") {
			t.Errorf("PATCH past the ceiling: %v %+v", err, r)
		}
		// On its own a filter parses with the default limits (32 levels): printed and evaluated.
		f, err := ParseFilter(deepestFilter(32), false)
		if err != nil {
			t.Errorf("ParseFilter at the default depth: %v", err)
			return
		}
		defer f.Close()
		tree, err := f.JSON()
		if err != nil || !strings.Contains(string(tree), `"op":"not"`) || f.String() == "" {
			t.Errorf("filter JSON: %v", err)
		}
		// Each level is `not (… or b pr)`: false when b is present.
		if m, err := f.Matches([]byte(`{"b":"x"}`)); err != nil || m {
			t.Errorf("matches: %v %v", m, err)
		}
	})
}

func TestLongChainsAreFlatOnASmallStack(t *testing.T) {
	p, err := NewProfile(Config{Profile: "rfc", Limits: &Limits{MaxFilterDepth: 64, MaxFilterTerms: 1000000, MaxFilterLength: 100000000, MaxStringBytes: 100000000}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	onSmallStack(t, func() {
		for _, op := range []string{" or ", " and "} {
			terms := make([]string, 50000)
			for i := range terms {
				terms[i] = fmt.Sprintf(`value eq "u%d"`, i)
			}
			chain := strings.Join(terms, op)
			if r, err := p.Check(getFilter(chain)); err != nil || !r.Valid {
				t.Errorf("GET chain%q: %v %+v", op, err, r)
			}
			patch := memberPatch(chain)
			if r, err := p.Check(Request{Method: "PATCH", Path: "/Groups/g1", Body: patch, Current: smallStackGroup}); err != nil || !r.Valid {
				t.Errorf("PATCH chain%q: %v %+v", op, err, r)
			}
			// `or` matches both members; `and` matches none.
			out, err := p.ApplyPatch(smallStackGroup, patch, Group)
			if err != nil || strings.Contains(string(out), "members") != (op == " and ") {
				t.Errorf("apply chain%q: %v %s", op, err, out)
			}
		}
	})
}

func TestDeepJSONOnASmallStack(t *testing.T) {
	p, err := NewProfile(Config{Limits: &Limits{MaxDepth: 100}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	onSmallStack(t, func() {
		// {"x": [[…]]}: the object is level 1, each array one more; 100 levels are read.
		body := []byte(`{"x":` + strings.Repeat("[", 99) + strings.Repeat("]", 99) + `}`)
		if r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: body}); err != nil {
			t.Error(err)
		} else {
			for _, i := range r.Issues {
				if i.Rule == "RFC-J-003" {
					t.Errorf("100 levels refused: %+v", i)
				}
			}
		}
		// A PATCH nested 10,000 deep is refused at the limit, located.
		deep := []byte(`{"Operations":[{"op":"add","path":"title","value":` + strings.Repeat("[", 10000) +
			strings.Repeat("]", 10000) + `}]}`)
		if r, err := p.Check(Request{Method: "PATCH", Path: "/Users/u1", Body: deep}); err != nil || !onlyIssue(r, "RFC-J-003", "/Operations/0/value/0") {
			t.Errorf("deep PATCH: %v %+v", err, r)
		}
		// A remove-by-value whose value has 100,000 members is one flat filter.
		var b strings.Builder
		b.WriteString(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"phoneNumbers","value":[{`)
		for i := range 100000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"k%d":"x"`, i)
		}
		b.WriteString(`}]}]}`)
		current := []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a@example.com",` +
			`"emails":[{"value":"a@example.com","primary":true}],"phoneNumbers":[{"value":"+1 555 0100"}]}`)
		if r, err := p.Check(Request{Method: "PATCH", Path: "/Users/u1", Body: []byte(b.String()), Current: current}); err != nil || len(r.Issues) == 0 {
			t.Errorf("wide remove-by-value: %v %+v", err, r)
		}
		_, _ = p.ApplyPatch(current, []byte(b.String()), User)
	})
}

func TestLimitsOverTheirCeilingsAreConfigErrors(t *testing.T) {
	for _, c := range []struct {
		limits Limits
		key    string
		says   string
	}{
		{Limits{MaxFilterDepth: 65}, "limits.max_filter_depth", "at most 64"},
		{Limits{MaxDepth: 101}, "limits.max_depth", "at most 100"},
		{Limits{MaxRetryAfter: 365*86400 + 1}, "limits.max_retry_after", "at most 31536000"},
	} {
		_, err := NewProfile(Config{Limits: &c.limits})
		var e *Error
		if !errors.As(err, &e) || e.Status != StatusInvalidConfig || e.Key != c.key || !strings.Contains(e.Message, c.says) {
			t.Errorf("%s: %v", c.key, err)
		}
	}
}
