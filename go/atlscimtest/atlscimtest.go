// Package atlscimtest starts a local Atlassian directory (atlscim serve) for tests, in the
// spirit of net/http/httptest: NewServer(t, cfg) gives a server on a free loopback port that is
// closed with the test.
//
//	srv := atlscimtest.NewServer(t, atlscimtest.Config{Config: map[string]any{"verified_domains": []string{"example.com"}}})
//	connector.Sync(srv.URL, srv.Token)
//	users, _ := srv.Users()
//
// The server answers as Atlassian's user provisioning API does (409 on a taken userName or email,
// 404 after DELETE, no group rename, one filter per resource type, Atlassian's body shapes), from
// the same core as atlscim's checks. It runs in this process, on threads of its own, through the
// C library libatlscim_server (include/atlscim_server.h); build it first with
// `cargo build --release -p atlscim-server-ffi`.
package atlscimtest

// The shared library is linked (with an rpath into the build tree) rather than the static one:
// a Go test binary also links the atlscim package's static libatlscim.a, and two Rust static
// libraries in one binary clash on the standard library's symbols.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -latlscim_server -Wl,-rpath,${SRCDIR}/../../target/release
// #include <stdlib.h>
// #include "atlscim_server.h"
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// Config says how to run the server; every field is optional.
type Config struct {
	// Config is the profile config every atlscim binding takes (verified_domains, limits, …).
	Config map[string]any `json:"config,omitempty"`
	// Faults makes it misbehave on demand, e.g. "429=2,times=1;lost,method=POST" (docs/server.md).
	Faults string `json:"faults,omitempty"`
	// Token is the bearer token; a random one when empty.
	Token string `json:"token,omitempty"`
	// DirectoryID is the {directoryId} of the base URL.
	DirectoryID string `json:"directory_id,omitempty"`
	// DB keeps the state in this SQLite file; Seed starts from an NDJSON export.
	DB   string `json:"db,omitempty"`
	Seed string `json:"seed,omitempty"`
	// IDSeed makes ids reproducible.
	IDSeed *uint64 `json:"id_seed,omitempty"`
}

// Server is a running local directory.
type Server struct {
	// URL is the SCIM base URL a connector is given: http://127.0.0.1:PORT/scim/directory/{id}.
	URL string
	// Token is the bearer token: send "Authorization: Bearer " + Token.
	Token string
	// RootURL is http://127.0.0.1:PORT, where the admin surface (/admin/…) is.
	RootURL string

	mu     sync.Mutex
	handle *C.atlscim_server
}

// NewServer starts a server and closes it when the test ends; it fails the test if the server
// cannot start.
func NewServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("atlscimtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server; Close stops it.
func Start(cfg Config) (*Server, error) {
	text, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	var handle *C.atlscim_server
	var message *C.char
	status := C.atlscim_server_start((*C.uint8_t)(unsafe.Pointer(&text[0])), C.size_t(len(text)), &handle, &message)
	if status != C.ATLSCIM_SERVER_STATUS_OK {
		defer C.atlscim_server_string_free(message)
		detail := "unknown error"
		if message != nil {
			detail = C.GoString(message)
		}
		return nil, fmt.Errorf("starting the server (status %d): %s", uint32(status), detail)
	}
	return &Server{
		URL:     C.GoString(C.atlscim_server_url(handle)),
		Token:   C.GoString(C.atlscim_server_token(handle)),
		RootURL: C.GoString(C.atlscim_server_root_url(handle)),
		handle:  handle,
	}, nil
}

// Close stops the server; later calls do nothing.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handle != nil {
		C.atlscim_server_stop(s.handle)
		s.handle = nil
	}
}

// Do sends a request with the server's token; path is relative to URL ("/Users?…").
func (s *Server) Do(method, path string, body io.Reader) (*http.Response, error) {
	target := s.URL + path
	if strings.HasPrefix(path, "/admin/") || strings.HasPrefix(path, "/scim/") {
		target = s.RootURL + path
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	return http.DefaultClient.Do(req)
}

type state struct {
	Users       []map[string]any `json:"users"`
	Groups      []map[string]any `json:"groups"`
	Consistency string           `json:"consistency"`
}

func (s *Server) state() (*state, error) {
	resp, err := s.Do("GET", "/admin/state", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var st state
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return nil, err
	}
	if st.Consistency != "ok" {
		return &st, errors.New("atlscimtest: the directory is inconsistent: " + st.Consistency)
	}
	return &st, nil
}

// Users returns every user, as GET /Users/{id} answers it.
func (s *Server) Users() ([]map[string]any, error) {
	st, err := s.state()
	if err != nil {
		return nil, err
	}
	return st.Users, nil
}

// Groups returns every group, as GET /Groups/{id} answers it.
func (s *Server) Groups() ([]map[string]any, error) {
	st, err := s.state()
	if err != nil {
		return nil, err
	}
	return st.Groups, nil
}

// Requests returns the request log, oldest first.
func (s *Server) Requests() ([]map[string]any, error) {
	resp, err := s.Do("GET", "/admin/requests", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []map[string]any
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		var entry map[string]any
		if err := dec.Decode(&entry); err != nil {
			return nil, err
		}
		out = append(out, entry)
	}
	return out, nil
}

// Reset empties the directory and the request log.
func (s *Server) Reset() error {
	return s.expect("POST", "/admin/reset", nil, http.StatusNoContent)
}

// SetFaults replaces the faults in force ("" for none).
func (s *Server) SetFaults(spec string) error {
	return s.expect("PUT", "/admin/faults", strings.NewReader(spec), http.StatusOK)
}

func (s *Server) expect(method, path string, body io.Reader, status int) error {
	resp, err := s.Do(method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		detail, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("atlscimtest: %s %s: %d %s", method, path, resp.StatusCode, detail)
	}
	return nil
}
