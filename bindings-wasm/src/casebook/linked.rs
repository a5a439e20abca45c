//! `Casebook` methods about linked records: external (CRM) records on
//! profiles, cases and interactions, the customer card, the requests the
//! host carries out elsewhere, attachments and a case's typed relations.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Links a record of another system to a target (`{ profile }`,
    /// `{ case }` or `{ contact }`); linking it again refreshes it.
    #[wasm_bindgen(js_name = linkExternalRecord, unchecked_return_type = "ExternalLink")]
    pub fn link_external_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ExternalRef")] record: JsValue,
    ) -> JsResult {
        self.run(
            "link_external_record",
            args!("by" => by, "target" => target, "external" => record),
        )
    }

    /// Unlinks a record of another system from a target.
    #[wasm_bindgen(js_name = unlinkExternalRecord)]
    pub fn unlink_external_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] system: JsValue,
        #[wasm_bindgen(js_name = recordType, unchecked_param_type = "string")] record_type: JsValue,
        #[wasm_bindgen(js_name = externalId, unchecked_param_type = "string")] external_id: JsValue,
    ) -> JsResult {
        self.run(
            "unlink_external_record",
            args!("by" => by, "target" => target, "system" => system,
                  "record_type" => record_type, "external_id" => external_id),
        )
    }

    /// The external records linked to a target.
    #[wasm_bindgen(js_name = externalRecords, unchecked_return_type = "ExternalLink[]")]
    pub fn external_records(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
    ) -> JsResult {
        self.run("external_records", args!("target" => target))
    }

    /// Asks the host to create a record in another system from a target;
    /// it shows as pending until the host completes the request.
    #[wasm_bindgen(js_name = requestExternalRecord, unchecked_return_type = "HostRequest")]
    pub fn request_external_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] target: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] system: JsValue,
        #[wasm_bindgen(js_name = recordType, unchecked_param_type = "string")] record_type: JsValue,
    ) -> JsResult {
        self.run(
            "request_external_record",
            args!("by" => by, "target" => target, "system" => system, "record_type" => record_type),
        )
    }

    /// Host requests after sequence number `after` (left out: from the
    /// first), in order.
    #[wasm_bindgen(js_name = hostRequests, unchecked_return_type = "HostRequest[]")]
    pub fn host_requests(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] after: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("host_requests", args!("after" => after, "limit" => limit))
    }

    /// Records that the host carried a request out (a creation: with the
    /// created record).
    #[wasm_bindgen(js_name = completeHostRequest, unchecked_return_type = "HostRequest")]
    pub fn complete_host_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ExternalRef")] record: JsValue,
    ) -> JsResult {
        self.run(
            "complete_host_request",
            args!("by" => by, "seq" => seq, "external" => record),
        )
    }

    /// Records that the host could not carry a request out, and why.
    #[wasm_bindgen(js_name = failHostRequest, unchecked_return_type = "HostRequest")]
    pub fn fail_host_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] error: JsValue,
    ) -> JsResult {
        self.run(
            "fail_host_request",
            args!("by" => by, "seq" => seq, "error" => error),
        )
    }

    /// Ends an interaction and asks for its details to be passed to each
    /// record linked to it, once.
    #[wasm_bindgen(js_name = wrapUpContact, unchecked_return_type = "Contact")]
    pub fn wrap_up_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] contact: JsValue,
        #[wasm_bindgen(js_name = endedAt, unchecked_optional_param_type = "Timestamp | Date")]
        ended_at: JsValue,
    ) -> JsResult {
        self.run(
            "wrap_up_contact",
            args!("by" => by, "contact" => contact, "ended_at" => ended_at),
        )
    }

    /// The customer card of an interaction: its records, the customer's,
    /// the household's, the cases'.
    #[wasm_bindgen(js_name = customerCard, unchecked_return_type = "CustomerCard")]
    pub fn customer_card(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] contact: JsValue,
    ) -> JsResult {
        self.run("customer_card", args!("contact" => contact))
    }

    /// Attaches a file's metadata to a case or a contact.
    #[wasm_bindgen(js_name = addAttachment, unchecked_return_type = "Attachment")]
    pub fn add_attachment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] on: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AttachmentInput")] attachment: JsValue,
    ) -> JsResult {
        self.run(
            "add_attachment",
            args!("by" => by, "on" => on, "attachment" => attachment),
        )
    }

    /// Removes an attachment from its case or contact.
    #[wasm_bindgen(js_name = removeAttachment)]
    pub fn remove_attachment(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Target")] on: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> JsResult {
        self.run(
            "remove_attachment",
            args!("by" => by, "on" => on, "id" => id),
        )
    }

    /// Every attachment of a customer across their cases and interactions, newest first.
    #[wasm_bindgen(js_name = profileAttachments, unchecked_return_type = "AttachedFile[]")]
    pub fn profile_attachments(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
    ) -> JsResult {
        self.run("profile_attachments", args!("profile" => profile))
    }

    /// Relates a case to one of our cases or to a record elsewhere, with a kind.
    #[wasm_bindgen(js_name = relateRecord, unchecked_return_type = "RelatedRecord")]
    pub fn relate_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RelatedInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "relate_record",
            args!("by" => by, "case" => case, "input" => input),
        )
    }

    /// Removes a case's relation.
    #[wasm_bindgen(js_name = unrelateRecord)]
    pub fn unrelate_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RelatedInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "unrelate_record",
            args!("by" => by, "case" => case, "input" => input),
        )
    }

    /// A case's relations: parent, follow-up, related records by kind.
    #[wasm_bindgen(js_name = caseRelations, unchecked_return_type = "CaseRelations")]
    pub fn case_relations(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
    ) -> JsResult {
        self.run("case_relations", args!("case" => case))
    }
}

#[wasm_bindgen]
impl Casebook {
    /// What merging a duplicate case into a survivor would do, changing nothing.
    #[wasm_bindgen(js_name = caseMergePreview, unchecked_return_type = "CaseMergePreview")]
    pub fn case_merge_preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CaseMergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("case_merge_preview", args!("plan" => plan))
    }

    /// Merges a duplicate case into a survivor; the duplicate is closed.
    #[wasm_bindgen(js_name = mergeCases, unchecked_return_type = "CaseMergeOutcome")]
    pub fn merge_cases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseMergePlan")] plan: JsValue,
    ) -> JsResult {
        self.run("merge_cases", args!("by" => by, "plan" => plan))
    }

    /// Undoes a case merge while nothing it moved has changed.
    #[wasm_bindgen(js_name = unmergeCases, unchecked_return_type = "{ survivor: Case; duplicate: Case }")]
    pub fn unmerge_cases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = mergeId, unchecked_param_type = "string")] merge_id: JsValue,
    ) -> JsResult {
        self.run("unmerge_cases", args!("by" => by, "merge_id" => merge_id))
    }
}
