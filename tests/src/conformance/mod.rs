//! The conformance checks, by concept. Each check takes a fresh, empty
//! store (or a way to make one); [`crate::conformance_suite!`] runs them all.
//! `store_contract` talks to the storage traits directly; the others check
//! engine behaviour through [`casebook::Casebook`], over the store.

// Expected lists read better as literal arrays than as slices built from references.
#![allow(clippy::cloned_ref_to_slice_refs)]

pub mod assignment;
pub mod cases;
pub mod contacts;
pub mod dashboard;
pub mod differential;
pub mod duplicates;
pub mod events;
pub mod feedback;
pub mod intake;
pub mod linked;
pub mod merge;
pub mod notify;
pub mod profiles;
pub mod rekeying;
pub mod reports;
pub mod routing;
pub mod search;
pub mod slas;
pub mod store_contract;
pub mod tasks;
pub mod whole_store;
