package atlscim

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The typical User of every atlscim speed figure (../shared/bench/user.json, ~1.3 KB), as in the
// core's and the C ABI's benches; ATLSCIM_BENCH_USER=path overrides it.
//
// The Go per-call overhead is BenchmarkCheckUser minus BenchmarkCheckUserCABI (the same check
// through the C ABI alone, in this process), and, against the core's own figure, minus
// user_create/core_check of `cargo bench -p atlscim-ffi --bench overhead`
// (ATLSCIM_BENCH=1 scripts/test-go.sh runs both).
func benchUser(b *testing.B) []byte {
	path := os.Getenv("ATLSCIM_BENCH_USER")
	if path == "" {
		path = filepath.Join("..", "..", "shared", "bench", "user.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatalf("%v (set ATLSCIM_BENCH_USER)", err)
	}
	return data
}

// The floor: the same check through the C ABI, looped in C, so no Go work is counted.
func BenchmarkCheckUserCABI(b *testing.B) {
	p := mustProfile(b, Config{})
	body := benchUser(b)
	b.ResetTimer()
	p.checkLoop(body, b.N)
}

// Check alone: the verdict and every issue, as Go values, each issue's texts read (as a caller
// that logs or maps them does; BenchmarkCheckUserCABI reads them too).
func BenchmarkCheckUser(b *testing.B) {
	p := mustProfile(b, Config{})
	req := Request{Method: "POST", Path: "/Users", Body: benchUser(b)}
	b.ReportAllocs()
	read := 0
	for b.Loop() {
		r, err := p.Check(req)
		if err != nil {
			b.Fatal(err)
		}
		for _, issue := range r.Issues {
			read += len(issue.Rule) + len(issue.Path) + len(issue.Pointer) + len(issue.Detail) + len(issue.ScimType)
		}
	}
	if read == 0 {
		b.Fatal("the benchmark user has issues: none were read")
	}
}

// Check, then the body to send. This user has fixes (unsupported attributes are dropped), so
// Normalized checks again and applies them.
func BenchmarkCheckUserNormalized(b *testing.B) {
	p := mustProfile(b, Config{})
	req := Request{Method: "POST", Path: "/Users", Body: benchUser(b)}
	b.ReportAllocs()
	for b.Loop() {
		r, err := p.Check(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Normalized(); err != nil {
			b.Fatal(err)
		}
	}
}

// Check with Normalize, then the body to send: built in the same call into the library as the
// check, against BenchmarkCheckUserNormalized's second check.
func BenchmarkCheckUserNormalizeAtCheck(b *testing.B) {
	p := mustProfile(b, Config{})
	req := Request{Method: "POST", Path: "/Users", Body: benchUser(b), Normalize: true}
	b.ReportAllocs()
	for b.Loop() {
		r, err := p.Check(req)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Normalized(); err != nil {
			b.Fatal(err)
		}
	}
}

// One profile, checks from every core at once.
func BenchmarkCheckUserParallel(b *testing.B) {
	p := mustProfile(b, Config{})
	req := Request{Method: "POST", Path: "/Users", Body: benchUser(b)}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Check(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// Four Entra-style operations, as in the core's filter_patch bench and the C ABI's overhead bench.
const benchPatch = `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
	{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "barbara.jensen@example.com"},
	{"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
	{"op": "Replace", "path": "active", "value": "False"},
	{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"}
]}`

// The floor for ApplyPatch: the same PATCH through the C ABI, looped in C.
func BenchmarkApplyPatchCABI(b *testing.B) {
	p := mustProfile(b, Config{})
	user, patch := benchUser(b), []byte(benchPatch)
	if _, err := p.ApplyPatch(user, patch, User); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	p.applyLoop(user, patch, b.N)
}

// ApplyPatch: JSON text in (the user and the message), the patched user's JSON text out.
func BenchmarkApplyPatch(b *testing.B) {
	p := mustProfile(b, Config{})
	user, patch := benchUser(b), []byte(benchPatch)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ApplyPatch(user, patch, User); err != nil {
			b.Fatal(err)
		}
	}
}

// answering is a base RoundTripper that answers in-process, so that the network does not drown
// what the RoundTripper adds.
type answering struct{}

func (answering) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: 201, Status: "201 Created", Header: http.Header{"Content-Type": {"application/scim+json"}},
		Body: io.NopCloser(strings.NewReader(`{"id":"u1","userName":"bjensen@example.com"}`)), Request: req}, nil
}

const benchBase = "https://api.atlassian.com/scim/directory/d1"

func benchPost(b *testing.B, client *http.Client) {
	body := benchUser(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(benchBase+"/Users", "application/scim+json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkPostBare is a POST /Users of the benchmark user through a bare http.Client; the
// RoundTripper's overhead is BenchmarkPostRoundTripper minus this, to compare with
// BenchmarkCheckUser (the check alone).
func BenchmarkPostBare(b *testing.B) {
	benchPost(b, &http.Client{Transport: answering{}})
}

func BenchmarkPostRoundTripper(b *testing.B) {
	p := mustProfile(b, Config{})
	benchPost(b, &http.Client{Transport: &RoundTripper{Base: answering{}, Profile: p, BaseURL: benchBase}})
}

// BenchmarkRoundTripperOverhead times, round after round, the check alone (BenchmarkCheckUser's
// call), the POST through the bare client and the POST through the RoundTripper, interleaved so
// that all three see the same machine noise (BenchmarkPost* run one after another, seconds
// apart, on a shared machine). It reports the fastest round of each (load only ever adds time)
// and added/check, the RoundTripper's overhead over the bare client as a multiple of the check:
// issue 16's target is at most 1.
func BenchmarkRoundTripperOverhead(b *testing.B) {
	p := mustProfile(b, Config{})
	body := benchUser(b)
	bare := &http.Client{Transport: answering{}}
	checked := &http.Client{Transport: &RoundTripper{Base: answering{}, Profile: p, BaseURL: benchBase}}
	post := func(client *http.Client) func() {
		return func() {
			resp, err := client.Post(benchBase+"/Users", "application/scim+json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	check := func() {
		r, err := p.Check(Request{Method: "POST", Path: "/Users", Body: body})
		if err != nil {
			b.Fatal(err)
		}
		for _, issue := range r.Issues {
			_ = len(issue.Rule) + len(issue.Detail)
		}
	}
	calls := []func(){check, post(bare), post(checked)}
	best := []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64}
	const perRound = 200
	for b.Loop() {
		for i, call := range calls {
			start := time.Now()
			for range perRound {
				call()
			}
			best[i] = min(best[i], float64(time.Since(start).Nanoseconds())/perRound)
		}
	}
	b.ReportMetric(best[0], "check-ns")
	b.ReportMetric(best[1], "bare-ns")
	b.ReportMetric(best[2], "roundtripper-ns")
	b.ReportMetric((best[2]-best[1])/best[0], "added/check")
}
