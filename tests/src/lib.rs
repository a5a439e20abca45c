//! The storage conformance suite: one generic set of tests every
//! [`casebook::Store`] must pass, plus shared fixtures.
//!
//! A backend's test file runs the whole suite with one line:
//!
//! ```text
//! casebook_tests::conformance_suite!(casebook::MemoryStore::new());
//! ```

pub mod conformance;
pub mod fixtures;
pub mod identity;
pub mod sqlite;
pub mod vectors;

/// Expands to one `#[test]` per conformance check, each on a fresh store made by `$make`.
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@tests $make;
            profile_round_trip,
            customer_ids_are_sequential_and_unique,
            stale_version_is_a_conflict_and_overwrites_nothing,
            name_search_is_prefix_case_and_accent_insensitive,
            exact_searches_find_profiles,
            contact_keys_follow_edits,
            case_with_links_is_all_or_nothing,
            case_status_follows_the_state_machine,
            keyword_search_over_cases,
            cases_of_profile_most_urgent_first,
            contact_history_order_and_range,
            contact_case_association_rule,
            relations_in_both_directions,
            template_versions_keep_old_records_editable,
            failed_transaction_leaves_store_unchanged,
            panicking_transaction_leaves_store_unchanged,
            snapshot_round_trip,
            recognition_outcomes,
            concurrent_edits_conflict,
            phone_formats_find_the_same_profile,
            random_failed_transactions_change_nothing,
            bulk_import_in_batches,
        );
        $crate::conformance_suite!(@identity $make;
            duplicate_warning_on_create,
            duplicate_candidates_explain_themselves,
            duplicate_report_clusters,
            merge_moves_everything_the_plan_says,
            merge_keeps_uncombined_elements_reachable,
            unmerge_restores_exactly_or_refuses,
        );
        #[test]
        fn bulk_cases_match_one_by_one() {
            $crate::conformance::bulk_cases_match_one_by_one(&|| $make);
        }
        #[test]
        fn random_merges_keep_identities_reachable() {
            $crate::identity::random_merges_keep_identities_reachable(&|| $make);
        }
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::conformance::$name($make);
            }
        )*
    };
    (@identity $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::identity::$name($make);
            }
        )*
    };
}
