//! The single serde pass over a resource body: the schema-driven walk ([`walker`]), the
//! locations it reports issues at ([`loc`]), the lenient fixes it records ([`fix`]) and the group
//! rules it runs on names and members ([`groups`]) and profile photos ([`photos`]). `check` routes requests here; `patch::read`
//! walks a PatchOp's values with the same walker.

pub(crate) mod fix;
pub(crate) mod groups;
pub(crate) mod loc;
mod photos;
pub(crate) mod walker;
