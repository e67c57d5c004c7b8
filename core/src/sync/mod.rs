//! Sync: plan the whole directory change, then carry it out safely over any HTTP client.
//!
//! [`plan`] compares what the identity provider holds (`desired`: SCIM Users and Groups, usually
//! from [`crate::Profile::map_user`] / [`crate::Profile::map_group`]) with what Atlassian holds
//! (`current`: its list pages or a [`crate::Directory`] export) and returns a [`Plan`]: ordered
//! steps (each a request with its reason, rule ids and dependencies; ids of resources created by
//! earlier steps are written `${sN}`), a risk report, and the guard rails' verdict.
//!
//! [`Executor`] carries a plan out without doing I/O: [`Executor::next`] says what to send (or how
//! long to wait, or that it is done), [`Executor::feed`] takes the answer. Its [`ExecState`]
//! serializes, so a run resumes after a crash. The JSON forms of all of these are documented in
//! docs/sync.md; the bindings pass them across their ABI as text.
//!
//! ```
//! use atlscim_core::Profile;
//! use atlscim_core::sync::{plan, Action, ExecOptions, Executor, HttpResponse, PlanOptions, Resources};
//! use serde_json::json;
//!
//! let desired = Resources::from_json(json!({"Users": [{
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": "e1",
//!     "userName": "ada@example.com", "displayName": "Ada Lovelace",
//!     "emails": [{"value": "ada@example.com", "type": "work", "primary": true}]}]})).unwrap();
//! let p = plan(&Profile::atlassian(), &desired, &Resources::default(), &PlanOptions::default());
//! assert_eq!(p.steps.len(), 1);
//! let mut run = Executor::new(p, ExecOptions::default()).unwrap();
//! let Action::Send { method, path, .. } = run.next(0.0) else { panic!() };
//! assert_eq!((method.as_str(), path.as_str()), ("POST", "/Users"));
//! run.feed(&HttpResponse { status: 201, body: r#"{"id":"u1"}"#.into(), ..Default::default() }, 0.1).unwrap();
//! assert_eq!(run.next(0.2), Action::Done);
//! ```

mod drift;
mod executor;
mod groups;
mod input;
mod json;
mod matching;
mod members;
mod pager;
mod plan;
mod resources;
mod risks;
mod steps;
mod types;
mod users;

pub use drift::drift;
pub use executor::{Action, ExecOptions, ExecState, Executor, HttpResponse, Lookup, Outcome, STATE_FORMAT, StepState};
pub use json::plan_json;
pub use pager::{MAX_PAGES, PAGE_SIZE, Pager};
pub use plan::{plan, plan_against_text, plan_text};
pub use resources::Resources;
pub use types::{
    GonePolicy, MatchKey, PLAN_FORMAT, Plan, PlanOptions, Refusal, Risk, RiskLevel, SYMBOL_PREFIX, Step, StepKind,
    Subject, Summary, SyncError,
};
