package atlscimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

const userURN = "urn:ietf:params:scim:schemas:core:2.0:User"

func userBody(name string) io.Reader {
	b, _ := json.Marshal(map[string]any{"schemas": []string{userURN}, "userName": name,
		"emails": []map[string]any{{"value": name, "type": "work", "primary": true}}})
	return bytes.NewReader(b)
}

func status(t *testing.T, s *Server, method, path string, body io.Reader) (int, map[string]any) {
	t.Helper()
	resp, err := s.Do(method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestNewServer(t *testing.T) {
	s := NewServer(t, Config{Token: "s3cret", Faults: "503,times=1,method=DELETE"})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || !strings.HasPrefix(s.URL, s.RootURL+"/scim/directory/") {
		t.Fatalf("URL %q, RootURL %q", s.URL, s.RootURL)
	}
	if s.Token != "s3cret" {
		t.Fatalf("token %q", s.Token)
	}
	if code, body := status(t, s, "POST", "/Users", userBody("a@example.com")); code != 201 || body["userName"] != "a@example.com" {
		t.Fatalf("create: %d %v", code, body)
	}
	if code, body := status(t, s, "POST", "/Users", userBody("A@example.com")); code != 409 || body["status"] != "409" {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	if code, _ := status(t, s, "DELETE", "/Users/nope", nil); code != 503 {
		t.Fatalf("fault: %d", code)
	}
	users, err := s.Users()
	if err != nil || len(users) != 1 {
		t.Fatalf("users: %v %v", users, err)
	}
	log, err := s.Requests()
	if err != nil || len(log) != 3 {
		t.Fatalf("requests: %v %v", log, err)
	}
	if err := s.SetFaults("429=1"); err != nil {
		t.Fatal(err)
	}
	if code, _ := status(t, s, "GET", "/Users", nil); code != 429 {
		t.Fatalf("429: %d", code)
	}
	if err := s.SetFaults("418"); err == nil {
		t.Fatal("an unknown fault should be refused")
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if users, _ := s.Users(); len(users) != 0 {
		t.Fatalf("after reset: %v", users)
	}
}

func TestStartErrorsAndClose(t *testing.T) {
	if _, err := Start(Config{Config: map[string]any{"colour": "blue"}}); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("want an error naming the key, got %v", err)
	}
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) != 64 {
		t.Fatalf("generated token %q", s.Token)
	}
	s.Close()
	s.Close()
	if _, err := s.Do("GET", "/Users", nil); err == nil {
		t.Fatal("a closed server still answers")
	}
}

// Many goroutines create the same user at once: exactly one 201.
func TestConcurrentCreates(t *testing.T) {
	s := NewServer(t, Config{})
	var wg sync.WaitGroup
	codes := make(chan int, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := s.Do("POST", "/Users", userBody("same@example.com"))
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[201] != 1 || count[409] != 31 {
		t.Fatalf("statuses %v", count)
	}
}

// The directory vectors (tests/vectors/directory, format in tests/vectors/README.md) over HTTP.
func TestDirectoryVectors(t *testing.T) {
	// The shared vectors and the Entra ID and Okta replays in examples/ (same format).
	files, _ := filepath.Glob("../../tests/vectors/directory/*.json")
	replays, _ := filepath.Glob("../../examples/replays/*.json")
	files = append(files, replays...)
	ran := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Kind  string `json:"kind"`
			Cases []struct {
				Name   string           `json:"name"`
				Config map[string]any   `json:"config"`
				Steps  []map[string]any `json:"steps"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Kind != "directory" {
			t.Fatalf("%s: %v (kind %q)", file, err, doc.Kind)
		}
		if problems := directoryFormProblems(raw); len(problems) > 0 {
			t.Fatalf("%s: vectors of a form this runner does not know:\n%s", file, strings.Join(problems, "\n"))
		}
		for _, c := range doc.Cases {
			ran++
			t.Run(c.Name, func(t *testing.T) { runCase(t, c.Config, c.Steps) })
		}
	}
	if ran < 35 {
		t.Fatalf("only %d directory cases", ran)
	}
	fmt.Printf("shared vectors, directory: %d cases run over HTTP\n", ran)
}

// directoryKeys lists every key a directory vector may use, by where it is (a key ending in "?"
// may be left out): the same table as core/tests/directory_vectors.rs. Bodies, headers and configs
// are data. A misspelt key must not switch an assertion off.
var directoryKeys = map[string][]string{
	"file":    {"kind", "description", "cases"},
	"case":    {"name", "config?", "steps"},
	"step":    {"request", "expect", "save?"},
	"request": {"method", "path", "body?", "headers?"},
	"expect":  {"status", "body?", "absent?"},
}

func directoryShapeProblems(shape string, v any) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s must be an object, got %v", shape, v)}
	}
	keys := directoryKeys[shape]
	var out []string
	for k := range obj {
		if !slices.Contains(keys, k) && !slices.Contains(keys, k+"?") {
			out = append(out, fmt.Sprintf("%s: unknown key %q (a misspelling?)", shape, k))
		}
	}
	for _, k := range keys {
		if _, present := obj[k]; !strings.HasSuffix(k, "?") && !present {
			out = append(out, fmt.Sprintf("%s: %s is missing", shape, k))
		}
	}
	sort.Strings(out)
	return out
}

// directoryFormProblems lists the unknown and missing keys of a directory vector file.
func directoryFormProblems(raw []byte) []string {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return []string{err.Error()}
	}
	out := directoryShapeProblems("file", doc)
	cases, _ := doc["cases"].([]any)
	for _, c := range cases {
		m, _ := c.(map[string]any)
		found := directoryShapeProblems("case", c)
		steps, _ := m["steps"].([]any)
		for _, s := range steps {
			step, _ := s.(map[string]any)
			found = append(found, directoryShapeProblems("step", s)...)
			found = append(found, directoryShapeProblems("request", step["request"])...)
			found = append(found, directoryShapeProblems("expect", step["expect"])...)
		}
		for _, p := range found {
			out = append(out, fmt.Sprintf("%q: %s", m["name"], p))
		}
	}
	return out
}

func substitute(text string, saved map[string]string) string {
	keys := make([]string, 0, len(saved))
	for k := range saved {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		text = strings.ReplaceAll(text, "{"+k+"}", saved[k])
	}
	return text
}

func pointer(v any, p string) (any, bool) {
	for _, part := range strings.Split(p, "/")[1:] {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[part]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func contains(actual, expected any, at string) error {
	switch e := expected.(type) {
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is %v", at, actual)
		}
		for k, v := range e {
			av, ok := a[k]
			if !ok {
				return fmt.Errorf("%s/%s is missing", at, k)
			}
			if err := contains(av, v, at+"/"+k); err != nil {
				return err
			}
		}
	case []any:
		a, ok := actual.([]any)
		if !ok || len(a) != len(e) {
			return fmt.Errorf("%s is %v, expected %v", at, actual, expected)
		}
		for i := range e {
			if err := contains(a[i], e[i], fmt.Sprintf("%s/%d", at, i)); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(actual, expected) {
			return fmt.Errorf("%s is %v, expected %v", at, actual, expected)
		}
	}
	return nil
}

func runCase(t *testing.T, config map[string]any, steps []map[string]any) {
	s := NewServer(t, Config{Config: config})
	saved := map[string]string{}
	for i, step := range steps {
		req := step["request"].(map[string]any)
		method := req["method"].(string)
		path := substitute(req["path"].(string), saved)
		var body io.Reader
		if b, ok := req["body"]; ok {
			text, isText := b.(string)
			if !isText {
				raw, _ := json.Marshal(b)
				text = substitute(string(raw), saved)
			}
			body = strings.NewReader(text)
		}
		target := s.URL + path
		if strings.HasPrefix(path, "/scim/directory/") {
			target = s.RootURL + path
		}
		r, err := http.NewRequest(method, target, body)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Authorization", "Bearer "+s.Token)
		if h, ok := req["headers"].(map[string]any); ok {
			for k, v := range h {
				r.Header.Set(k, v.(string))
			}
		} else if body != nil {
			r.Header.Set("Content-Type", "application/scim+json")
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var actual any
		_ = json.Unmarshal(raw, &actual)
		expect := step["expect"].(map[string]any)
		if float64(resp.StatusCode) != expect["status"].(float64) {
			t.Fatalf("step %d (%s %s): status %d, expected %v: %s", i, method, path, resp.StatusCode, expect["status"], raw)
		}
		if e, ok := expect["body"]; ok {
			text, _ := json.Marshal(e)
			var want any
			_ = json.Unmarshal([]byte(substitute(string(text), saved)), &want)
			if err := contains(actual, want, ""); err != nil {
				t.Fatalf("step %d (%s %s): %v: %s", i, method, path, err, raw)
			}
		}
		if absent, ok := expect["absent"].([]any); ok {
			for _, p := range absent {
				if _, found := pointer(actual, p.(string)); found {
					t.Fatalf("step %d: %s should be absent: %s", i, p, raw)
				}
			}
		}
		if save, ok := step["save"].(map[string]any); ok {
			for name, p := range save {
				v, _ := pointer(actual, p.(string))
				saved[name], _ = v.(string)
			}
		}
	}
	if _, err := s.Users(); err != nil {
		t.Fatal(err)
	}
}
