//! `Casebook` methods about duplicates, merges and the audit log.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Probable duplicates of a profile, with explained scores.
    #[wasm_bindgen(js_name = duplicateCandidates, unchecked_return_type = "DuplicateCandidate[]")]
    pub fn duplicate_candidates(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("duplicate_candidates", args!("ref" => r#ref))
    }

    /// Probable duplicates of a profile not created yet (while a form is filled in).
    #[wasm_bindgen(js_name = duplicateCandidatesForDraft, unchecked_return_type = "DuplicateCandidate[]")]
    pub fn duplicate_candidates_for_draft(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] draft: JsValue,
    ) -> JsResult {
        self.run("duplicate_candidates_for_draft", args!("draft" => draft))
    }

    /// Probable duplicates across the whole store, in clusters.
    #[wasm_bindgen(js_name = duplicateReport, unchecked_return_type = "DuplicateReport")]
    pub fn duplicate_report(&self) -> JsResult {
        self.run("duplicate_report", args!())
    }

    /// Learns the matching weights from the store's own profiles (unlabelled
    /// Fellegi–Sunter by expectation maximisation); changes nothing. Pass the
    /// returned `config` as `matching` in the engine options to use it.
    /// Fewer than 50 candidate pairs throw `invalid_state`.
    #[wasm_bindgen(js_name = trainMatching, unchecked_return_type = "MatchingTraining")]
    pub fn train_matching(&self) -> JsResult {
        self.run("train_matching", args!())
    }

    /// Exactly what a merge would do, without doing it.
    #[wasm_bindgen(js_name = mergePreview, unchecked_return_type = "MergePreview")]
    pub fn merge_preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("merge_preview", args!("plan" => plan))
    }

    /// Merges one profile into another (undo with `unmerge`).
    #[wasm_bindgen(unchecked_return_type = "MergeOutcome")]
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("merge", args!("by" => by, "plan" => plan))
    }

    /// Undoes a merge, restoring both profiles.
    #[wasm_bindgen(unchecked_return_type = "{ survivor: Profile; restored: Profile }")]
    pub fn unmerge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = mergeId, unchecked_param_type = "Uuid")] merge_id: JsValue,
    ) -> JsResult {
        self.run("unmerge", args!("by" => by, "merge_id" => merge_id))
    }

    /// The journal of one merge.
    #[wasm_bindgen(js_name = mergeRecord, unchecked_return_type = "MergeRecord")]
    pub fn merge_record(
        &self,
        #[wasm_bindgen(js_name = mergeId, unchecked_param_type = "Uuid")] merge_id: JsValue,
    ) -> JsResult {
        self.run("merge_record", args!("merge_id" => merge_id))
    }

    /// The audit log, about one record (by internal id) or all.
    #[wasm_bindgen(js_name = auditLog, unchecked_return_type = "AuditEntry[]")]
    pub fn audit_log(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Uuid")] subject: JsValue,
    ) -> JsResult {
        self.run("audit_log", args!("subject" => subject))
    }
}
