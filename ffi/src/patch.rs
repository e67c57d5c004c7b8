//! PATCH: applying a PatchOp message to a resource, and computing the PatchOp that turns one
//! resource into another. JSON text in, JSON text out.

use std::ffi::c_char;

use atlscim_core::schema::ResourceKind;

use crate::boundary::{atlscim_error, atlscim_status, call, json_input, out_ref};
use crate::bytes::{atlscim_bytes, bytes_out, write_json};
use crate::profile::atlscim_profile;

/// Which SCIM resource a call is about: `ATLSCIM_RESOURCE_TYPE_USER` or
/// `ATLSCIM_RESOURCE_TYPE_GROUP`. A plain number, so that any value is safe to pass: an unknown
/// one fails the call with `ATLSCIM_STATUS_INVALID_ARGUMENT`.
pub type atlscim_resource_type = u32;

/// A User (`urn:ietf:params:scim:schemas:core:2.0:User`, with the enterprise extension).
pub const ATLSCIM_RESOURCE_TYPE_USER: atlscim_resource_type = 1;
/// A Group (`urn:ietf:params:scim:schemas:core:2.0:Group`).
pub const ATLSCIM_RESOURCE_TYPE_GROUP: atlscim_resource_type = 2;

pub(crate) fn resource_kind(resource_type: atlscim_resource_type) -> Result<ResourceKind, atlscim_error> {
    match resource_type {
        ATLSCIM_RESOURCE_TYPE_USER => Ok(ResourceKind::User),
        ATLSCIM_RESOURCE_TYPE_GROUP => Ok(ResourceKind::Group),
        other => Err(atlscim_error::new(
            atlscim_status::InvalidArgument,
            format!(
                "resource_type is {other}: expected ATLSCIM_RESOURCE_TYPE_USER ({ATLSCIM_RESOURCE_TYPE_USER}) or ATLSCIM_RESOURCE_TYPE_GROUP ({ATLSCIM_RESOURCE_TYPE_GROUP})"
            ),
        )),
    }
}

/// Applies a PatchOp message (RFC 7644 §3.5.2) to a resource, as Atlassian would: all or nothing,
/// with the profile's semantics (the identity providers' dialects when lenient, the display name
/// overwriting first and last name, no group rename). Writes the patched resource, as compact
/// JSON text, to `*out`.
///
/// A PATCH a server would refuse fails the call with `ATLSCIM_STATUS_PATCH_REFUSED`: the error's
/// rule (`atlscim_error_rule`), HTTP status (`atlscim_error_http_status`), scimType
/// (`atlscim_error_scim_type`) and pointer into the message (`atlscim_error_pointer`) say what a
/// server would answer, and why. Other failures: `ATLSCIM_STATUS_INVALID_JSON` (the resource or
/// the message is not JSON text), `ATLSCIM_STATUS_INVALID_ARGUMENT` (an unknown resource type),
/// `ATLSCIM_STATUS_NULL_PARAMETER`, `ATLSCIM_STATUS_INVALID_LENGTH`.
///
/// Ownership: `profile`, `resource` and `patch` stay the caller's and are not kept (the resource
/// is not modified). On success the caller owns `*out` and frees it with `atlscim_bytes_free`; on
/// failure `*out` is `{NULL, 0}`. If `err` is not NULL, `*err` is set to NULL on success and to a
/// new error (free it with `atlscim_error_free`) on failure.
/// NULL: `profile` and `out` must not be NULL; `resource` and `patch` may be NULL only with
/// length 0 (empty text, which is not JSON); `err` may be NULL.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_apply_patch(
    profile: *const atlscim_profile,
    resource_type: atlscim_resource_type,
    resource: *const c_char,
    resource_len: usize,
    patch: *const c_char,
    patch_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, out, err) = unsafe { (profile.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        let kind = resource_kind(resource_type)?;
        // SAFETY: the caller vouches for each pointer and length.
        let (mut resource, patch) =
            unsafe { (json_input(resource, resource_len, "resource")?, json_input(patch, patch_len, "patch")?) };
        // The resource read from the caller's text is ours: patched where it lies, not copied.
        profile.apply_patch_in_place(&mut resource, &patch, kind).map_err(atlscim_error::patch)?;
        write_json(out, &resource);
        Ok(())
    })
}

/// The PatchOp messages that turn `current` into `desired`, to be sent in order, as a compact JSON
/// array in `*out`: `[]` when they are already the same, one message in the common case, several
/// when the change is larger than one message may be under the profile's limits
/// (`limits.max_operations`, `limits.max_patch_values`, `limits.max_body_bytes`). Applying the
/// messages one after the other to `current` with `atlscim_profile_apply_patch` gives `desired`;
/// after a partial send, diffing again from what the server holds gives the rest.
///
/// Fails with `ATLSCIM_STATUS_INVALID_JSON` when `current` or `desired` is not JSON text, and as
/// `atlscim_profile_apply_patch` does for its other inputs; with `ATLSCIM_STATUS_PATCH_REFUSED`
/// (rule ATL-G-002) for a group whose displayName differs under the Atlassian profile, which no
/// PATCH turns into the other (Atlassian renames no synced group).
///
/// Ownership: `profile`, `current` and `desired` stay the caller's and are not kept. On success
/// the caller owns `*out` and frees it with `atlscim_bytes_free`; on failure `*out` is
/// `{NULL, 0}`. `err` as for `atlscim_profile_apply_patch`.
/// NULL: as for `atlscim_profile_apply_patch`.
/// Threads: safe to call from any thread, also with the same profile from many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn atlscim_profile_diff(
    profile: *const atlscim_profile,
    resource_type: atlscim_resource_type,
    current: *const c_char,
    current_len: usize,
    desired: *const c_char,
    desired_len: usize,
    out: *mut atlscim_bytes,
    err: *mut *mut atlscim_error,
) -> atlscim_status {
    // SAFETY: the caller passes NULL or valid pointers (see above).
    let (profile, out, err) = unsafe { (profile.as_ref(), out.as_mut(), out_ref(err)) };
    call(err, || {
        let out = bytes_out(out)?;
        let profile = &profile.ok_or_else(|| atlscim_error::null("profile"))?.profile;
        let kind = resource_kind(resource_type)?;
        // SAFETY: the caller vouches for each pointer and length.
        let (current, desired) =
            unsafe { (json_input(current, current_len, "current")?, json_input(desired, desired_len, "desired")?) };
        let messages = profile.diff(&current, &desired, kind).map_err(atlscim_error::patch)?;
        write_json(out, &messages);
        Ok(())
    })
}
