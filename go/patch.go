package atlscim

// #include "atlscim.h"
import "C"

import "encoding/json"

// ResourceType says which SCIM resource a PATCH or diff is about.
type ResourceType uint32

const (
	// User is a SCIM User (with the enterprise extension).
	User ResourceType = C.ATLSCIM_RESOURCE_TYPE_USER
	// Group is a SCIM Group.
	Group ResourceType = C.ATLSCIM_RESOURCE_TYPE_GROUP
)

// ApplyPatch applies a PatchOp message (RFC 7644 §3.5.2, JSON text) to a resource (JSON text) as
// Atlassian would: all or nothing, with the profile's semantics (the identity providers' dialects
// when lenient, the display name overwriting first and last name, no group rename). It returns
// the patched resource; the inputs are not changed.
//
// A PATCH a server would refuse gives an *Error with StatusPatchRefused whose Rule, HTTPStatus,
// ScimType and Pointer say what the server would answer and why. A resource or message that is
// not JSON gives StatusInvalidJSON.
func (p *Profile) ApplyPatch(resource, patch []byte, kind ResourceType) (json.RawMessage, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	return takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_profile_apply_patch(p.handle, C.atlscim_resource_type(kind), cBytes(resource),
			C.size_t(len(resource)), cBytes(patch), C.size_t(len(patch)), out, cerr)
	})
}

// Diff returns the PatchOp messages that turn current into desired (both JSON text), to be sent
// in order: none (a nil slice) when they are already the same, one in the common case, several
// when the change is larger than one message may be under the profile's limits
// (limits.max_operations, max_patch_values, max_body_bytes: a group losing 1,500 members takes two).
// Applying them in turn with ApplyPatch gives desired; after a partial send, Diff again from what
// Atlassian holds gives the rest. Inputs that are not JSON give StatusInvalidJSON. Under the
// Atlassian profile a group whose displayName differs gives an *Error with StatusPatchRefused and
// rule ATL-G-002: Atlassian renames no synced group (create the new one, move the members, delete
// the old one).
func (p *Profile) Diff(current, desired []byte, kind ResourceType) ([]json.RawMessage, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.handle == nil {
		return nil, ErrClosed
	}
	array, err := takeBytes(func(out *C.atlscim_bytes, cerr **C.atlscim_error) C.atlscim_status {
		return C.atlscim_profile_diff(p.handle, C.atlscim_resource_type(kind), cBytes(current), C.size_t(len(current)),
			cBytes(desired), C.size_t(len(desired)), out, cerr)
	})
	if err != nil {
		return nil, err
	}
	var messages []json.RawMessage
	if err := json.Unmarshal(array, &messages); err != nil {
		return nil, err
	}
	if len(messages) == 0 {
		return nil, nil
	}
	return messages, nil
}
