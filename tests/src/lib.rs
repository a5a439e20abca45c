//! The storage conformance suite: one generic set of tests every
//! [`casebook::store::Store`] must pass, plus shared fixtures.
//!
//! A backend's test file runs the whole suite with one line:
//!
//! ```text
//! casebook_tests::conformance_suite!(casebook::MemoryStore::new());
//! ```

pub mod conformance;
pub mod fixtures;
pub mod rerun;
pub mod sqlite;
pub mod vectors;

/// Expands to one `#[test]` per conformance check, each on a fresh store made by `$make`.
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@on $make; store_contract:
            failed_transaction_leaves_store_unchanged,
            panicking_transaction_leaves_store_unchanged,
            random_failed_transactions_change_nothing,
            versions_are_compare_and_set,
            stores_index_what_they_are_handed,
            empty_and_reversed_ranges_hold_nothing,
        );
        $crate::conformance_suite!(@on $make; profiles:
            profile_round_trip,
            customer_ids_are_sequential_and_unique,
            stale_version_is_a_conflict_and_overwrites_nothing,
            contact_keys_follow_edits,
            concurrent_edits_conflict,
            relations_in_both_directions,
            template_versions_keep_old_records_editable,
        );
        $crate::conformance_suite!(@on $make; search:
            name_search_is_prefix_case_and_accent_insensitive,
            exact_searches_find_profiles,
            phone_formats_find_the_same_profile,
            keyword_search_over_cases,
        );
        $crate::conformance_suite!(@on $make; cases:
            case_with_links_is_all_or_nothing,
            case_status_follows_the_state_machine,
            cases_of_profile_most_urgent_first,
            update_without_impact_or_urgency_keeps_them,
        );
        $crate::conformance_suite!(@on $make; contacts:
            contact_history_order_and_range,
            contact_case_association_rule,
            recognition_outcomes,
        );
        $crate::conformance_suite!(@on $make; whole_store:
            snapshot_round_trip,
            bulk_import_in_batches,
        );
        $crate::conformance_suite!(@on $make; duplicates:
            duplicate_warning_on_create,
            duplicate_candidates_explain_themselves,
            duplicate_report_clusters,
        );
        $crate::conformance_suite!(@on $make; merge:
            merge_moves_everything_the_plan_says,
            merge_keeps_uncombined_elements_reachable,
            unmerge_restores_exactly_or_refuses,
        );
        #[test]
        fn bulk_cases_match_one_by_one() {
            $crate::conformance::cases::bulk_cases_match_one_by_one(&|| $make);
        }
        #[test]
        fn random_merges_keep_identities_reachable() {
            $crate::conformance::merge::random_merges_keep_identities_reachable(&|| $make);
        }
    };
    (@on $make:expr; $module:ident: $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::conformance::$module::$name($make);
            }
        )*
    };
}
