package atlscim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// The shared sync vectors (tests/vectors/sync/, README "Format of sync_plan and sync_run cases")
// through Profile.Plan and the Executor: the same facts the Rust, Python and C runners check.

type syncVectorFile struct {
	Kind  string           `json:"kind"`
	Cases []map[string]any `json:"cases"`
}

// syncLint lists the unknown and missing keys of a sync case.
func syncLint(kind string, c map[string]any) []string {
	problems := shapeProblems(kind, c)
	if kind == "sync_plan" {
		if expect, ok := c["expect"].(map[string]any); ok {
			problems = append(problems, shapeProblems("sync_plan.expect", expect)...)
			steps, _ := expect["steps"].([]any)
			for _, s := range steps {
				problems = append(problems, shapeProblems("sync_plan.expect.steps[]", s)...)
			}
		}
	}
	if kind == "sync_run" {
		exchanges, _ := c["exchanges"].([]any)
		for _, x := range exchanges {
			problems = append(problems, shapeProblems("sync_run.exchanges[]", x)...)
			if m, ok := x.(map[string]any); ok {
				problems = append(problems, shapeProblems("sync_run.exchanges[].expect", m["expect"])...)
				if r, ok := m["respond"]; ok {
					problems = append(problems, shapeProblems("sync_run.exchanges[].respond", r)...)
				}
			}
		}
	}
	return problems
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	if v == nil {
		return nil
	}
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func syncVectorPlan(t *testing.T, c map[string]any) *Plan {
	t.Helper()
	config := marshal(t, c["config"])
	if config == nil {
		config = []byte("{}")
	}
	p, err := NewProfileJSON(config)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var opts *PlanOptions
	if o, ok := c["options"]; ok {
		opts = &PlanOptions{}
		if err := json.Unmarshal(marshal(t, o), opts); err != nil {
			t.Fatalf("options: %v", err)
		}
	}
	plan, err := p.Plan(marshal(t, c["desired"]), marshal(t, c["current"]), opts)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// actionJSON is an action in the JSON form of docs/sync.md, which the vectors name.
func actionJSON(a Action) map[string]any {
	switch a.Kind {
	case ActionWait:
		return map[string]any{"kind": "wait", "seconds": a.Wait.Seconds()}
	case ActionDone:
		return map[string]any{"kind": "done"}
	}
	headers := map[string]any{}
	for name := range a.Header {
		headers[name] = a.Header.Get(name)
	}
	var body any
	if a.HasBody {
		body = string(a.Body)
	}
	return map[string]any{"kind": "send", "step": a.Step, "method": a.Method, "path": a.Path, "headers": headers, "body": body}
}

func closeJSON(got, want any) bool {
	if w, ok := want.(float64); ok {
		g, ok := got.(float64)
		// Go's durations count nanoseconds: a wait is exact to 1e-9 s, plus the rounding up.
		return ok && math.Abs(g-w) <= 2e-9
	}
	return reflect.DeepEqual(got, want)
}

func TestSyncVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(vectorsDir(), "sync", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sync vectors in %s/sync: %v", vectorsDir(), err)
	}
	ran := 0
	for _, path := range files {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal(text, &raw); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if p := shapeProblems("file", raw); len(p) > 0 {
			t.Errorf("%s: %v", path, p)
		}
		var file syncVectorFile
		json.Unmarshal(text, &file)
		if file.Kind != "sync_plan" && file.Kind != "sync_run" {
			t.Errorf("%s: kind %q is not one this runner runs", path, file.Kind)
			continue
		}
		for _, c := range file.Cases {
			name := fmt.Sprintf("%s/%v", filepath.Base(path), c["name"])
			if p := syncLint(file.Kind, c); len(p) > 0 {
				t.Errorf("%s: %v", name, p)
				continue
			}
			ran++
			t.Run(name, func(t *testing.T) { runSyncVector(t, file.Kind, c) })
		}
	}
	t.Logf("shared vectors: %d sync cases", ran)
}

func runSyncVector(t *testing.T, kind string, c map[string]any) {
	plan := syncVectorPlan(t, c)
	if kind == "sync_plan" {
		expect := c["expect"].(map[string]any)
		if again := syncVectorPlan(t, c); string(again.JSON()) != string(plan.JSON()) {
			t.Error("planning twice gave different bytes")
		}
		var got struct {
			Refusal *struct{ Guard string } `json:"refusal"`
			Risks   []struct {
				Kind, Level string
				Count       float64
			} `json:"risks"`
			Steps []map[string]any `json:"steps"`
		}
		json.Unmarshal(plan.JSON(), &got)
		var refusal any
		if got.Refusal != nil {
			refusal = got.Refusal.Guard
		}
		if !reflect.DeepEqual(refusal, expect["refusal"]) {
			t.Errorf("refusal %v, want %v", refusal, expect["refusal"])
		}
		risks := []any{}
		for _, r := range got.Risks {
			risks = append(risks, []any{r.Kind, r.Level, r.Count})
		}
		if !reflect.DeepEqual(risks, expect["risks"]) {
			t.Errorf("risks %v, want %v", risks, expect["risks"])
		}
		want := expect["steps"].([]any)
		if len(got.Steps) != len(want) {
			t.Fatalf("%d steps, want %d: %v", len(got.Steps), len(want), got.Steps)
		}
		for i, w := range want {
			for key, value := range w.(map[string]any) {
				if !reflect.DeepEqual(got.Steps[i][key], value) {
					t.Errorf("step %d %s: %v, want %v", i, key, got.Steps[i][key], value)
				}
			}
		}
		return
	}
	var opts *ExecOptions
	if o, ok := c["exec_options"]; ok {
		opts = &ExecOptions{}
		if err := json.Unmarshal(marshal(t, o), opts); err != nil {
			t.Fatalf("exec_options: %v", err)
		}
	}
	ex, err := NewExecutor(plan, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	for i, x := range c["exchanges"].([]any) {
		exchange := x.(map[string]any)
		now := time.Unix(0, int64(exchange["now"].(float64)*1e9))
		a, err := ex.Next(now)
		if err != nil {
			t.Fatal(err)
		}
		got := actionJSON(a)
		for key, value := range exchange["expect"].(map[string]any) {
			if !closeJSON(got[key], value) {
				t.Errorf("exchange %d %s: %v, want %v", i, key, got[key], value)
			}
		}
		if r, ok := exchange["respond"].(map[string]any); ok {
			header := http.Header{}
			if hs, ok := r["headers"].(map[string]any); ok {
				for k, v := range hs {
					header.Set(k, v.(string))
				}
			}
			body, _ := r["body"].(string)
			if err := ex.Feed(int(r["status"].(float64)), header, []byte(body), now); err != nil {
				t.Fatal(err)
			}
		}
	}
	state, _ := ex.State()
	var s struct {
		Steps []struct{ ID, Outcome string }
	}
	json.Unmarshal(state, &s)
	outcomes := map[string]any{}
	for _, step := range s.Steps {
		outcomes[step.ID] = step.Outcome
	}
	if !reflect.DeepEqual(outcomes, c["outcomes"]) {
		t.Errorf("outcomes %v, want %v", outcomes, c["outcomes"])
	}
}
