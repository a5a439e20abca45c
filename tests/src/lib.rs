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
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod rerun;
pub mod sqlite;
pub mod vectors;

/// Expands to one `#[test]` per conformance check, each on a fresh store made by `$make`.
/// A store other than the memory store also runs [`differential_suite!`].
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@on $make;
            store_contract::failed_transaction_leaves_store_unchanged,
            store_contract::panicking_transaction_leaves_store_unchanged,
            store_contract::random_failed_transactions_change_nothing,
            store_contract::kpi_aggregation_matches_the_reference,
            store_contract::versions_are_compare_and_set,
            store_contract::stores_index_what_they_are_handed,
            store_contract::empty_and_reversed_ranges_hold_nothing,
            store_contract::batched_lookups_answer_as_one_by_one,
            store_contract::contacts_move_by_reference,
            profiles::profile_round_trip,
            profiles::customer_ids_are_sequential_and_unique,
            profiles::stale_version_is_a_conflict_and_overwrites_nothing,
            profiles::contact_keys_follow_edits,
            profiles::concurrent_edits_conflict,
            profiles::relations_in_both_directions,
            profiles::template_versions_keep_old_records_editable,
            search::name_search_is_prefix_case_and_accent_insensitive,
            search::exact_searches_find_profiles,
            search::phone_formats_find_the_same_profile,
            search::keyword_search_over_cases,
            cases::case_with_links_is_all_or_nothing,
            cases::case_status_follows_the_state_machine,
            cases::cases_of_profile_most_urgent_first,
            cases::update_without_impact_or_urgency_keeps_them,
            contacts::contact_history_order_and_range,
            contacts::contact_case_association_rule,
            contacts::recognition_outcomes,
            whole_store::snapshot_round_trip,
            whole_store::tampered_snapshots_are_refused_by_name,
            whole_store::bulk_import_in_batches,
            whole_store::large_import_batches_see_their_own_rows,
            duplicates::duplicate_warning_on_create,
            duplicates::duplicate_candidates_explain_themselves,
            duplicates::duplicate_report_clusters,
            merge::merge_moves_everything_the_plan_says,
            merge::merge_keeps_uncombined_elements_reachable,
            merge::unmerge_restores_exactly_or_refuses,
            merge::unmerge_moves_contacts_back_by_reference,
            merge::journals_of_whole_contacts_still_unmerge,
            slas::due_crossings_soonest_first,
            slas::due_events_are_taken_once,
            slas::failed_takes_take_nothing,
            rekeying::template_phone_fields_identify,
            rekeying::changed_rules_rekey_on_open_once,
            intake::replies_join_their_case,
            intake::replies_reopen_or_follow_up,
            intake::rules_open_cases_with_fields,
            intake::intake_rules_are_checked_and_versioned,
            intake::contact_points_one_at_a_time,
            intake::concurrent_deliveries_take_each_message_once,
            linked::customer_card_orders_linked_records,
            linked::host_requests_create_records_and_pass_details,
            linked::attachments_and_case_relations,
            linked::case_merge_moves_and_unmerges,
            linked::case_merge_moves_child_cases,
            linked::parent_and_child_cases_move_together,
            events::every_change_writes_its_events,
            events::consumers_resume_from_their_acknowledgement,
            notify::notify_case_messages_every_reachable_customer,
            notify::notify_case_is_all_or_nothing,
            notify::response_templates_by_version,
            feedback::feedback_once_per_customer_after_resolution,
            dashboard::dashboard_counts_the_period,
            reports::kpis_by_group_and_period,
            reports::reports_are_checked_versioned_and_exported,
            reports::report_facts_follow_case_merges,
            tasks::tasks_hold_resolution_and_list_most_urgent_first,
            tasks::follow_ups_show_once_due,
            tasks::tasks_follow_case_merges,
            routing::routing_rules_route_new_cases,
            routing::routing_rules_are_checked_and_versioned,
            routing::priority_set_by_hand_overrides_the_matrix,
            assignment::agents_take_new_cases_by_their_groups_strategy,
            assignment::agents_are_checked_and_versioned,
            assignment::backlog_is_taken_most_urgent_then_oldest,
        );
        #[test]
        fn no_agent_above_capacity_after_any_sequence() {
            $crate::conformance::assignment::no_agent_above_capacity_after_any_sequence(&|| $make);
        }
        #[test]
        fn task_lists_match_the_cases_after_any_sequence() {
            $crate::conformance::tasks::task_lists_match_the_cases_after_any_sequence(&|| $make);
        }
        #[test]
        fn links_survive_merges_without_duplicates() {
            $crate::conformance::linked::links_survive_merges_without_duplicates(&|| $make);
        }
        #[test]
        fn interleaved_deliveries_take_each_message_once() {
            $crate::conformance::intake::interleaved_deliveries_take_each_message_once(&|| $make);
        }
        #[test]
        fn bulk_cases_match_one_by_one() {
            $crate::conformance::cases::bulk_cases_match_one_by_one(&|| $make);
        }
        #[test]
        fn random_merges_keep_identities_reachable() {
            $crate::conformance::merge::random_merges_keep_identities_reachable(&|| $make);
        }
    };
    (@on $make:expr; $($module:ident::$name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::conformance::$module::$name($make);
            }
        )*
    };
}

/// The differential checks against the memory store, each on a fresh store
/// made by `$make` (for every store but the memory store itself).
#[macro_export]
macro_rules! differential_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@on $make;
            differential::answers_match_the_memory_store,
            differential::prefixes_with_few_and_many_terms_match_the_memory_store,
        );
    };
}
