//! `Casebook` methods about cases and their links to profiles.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Opens a case, optionally linked to profiles.
    #[wasm_bindgen(js_name = createCase, unchecked_return_type = "Case")]
    pub fn create_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
    ) -> JsResult {
        self.run("create_case", args!("by" => by, "input" => input))
    }

    /// A case by id or case number, with its SLA clocks (`slas`) when it has any.
    #[wasm_bindgen(
        js_name = "case",
        unchecked_return_type = "Case & { slas?: SlaClock[] }"
    )]
    pub fn case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("case", args!("ref" => r#ref))
    }

    /// Replaces a case's editable part; `version` is the one edited.
    #[wasm_bindgen(js_name = updateCase, unchecked_return_type = "Case")]
    pub fn update_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "update_case",
            args_or_options!("by" => by, "ref" => r#ref, "version" => version, "input" => input),
        )
    }

    /// Moves a case to another status (the state machine decides what is allowed).
    #[wasm_bindgen(js_name = setCaseStatus, unchecked_return_type = "Case")]
    pub fn set_case_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CaseStatus")] status: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ResolutionInput")] resolution: JsValue,
    ) -> JsResult {
        self.run(
            "set_case_status",
            args_or_options!("by" => by, "ref" => r#ref, "version" => version, "status" => status, "resolution" => resolution),
        )
    }

    /// Adds a work note or a comment to a case's timeline.
    #[wasm_bindgen(js_name = addCaseEntry, unchecked_return_type = "Case")]
    pub fn add_case_entry(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EntryKind")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> JsResult {
        self.run(
            "add_case_entry",
            args_or_options!("by" => by, "ref" => r#ref, "kind" => kind, "text" => text),
        )
    }

    /// Links a profile to a case with a role.
    #[wasm_bindgen(js_name = linkCase, unchecked_return_type = "CaseLink")]
    pub fn link_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LinkRole")] role: JsValue,
    ) -> JsResult {
        self.run(
            "link_case",
            args_or_options!("by" => by, "case" => case_ref, "profile" => profile, "role" => role),
        )
    }

    /// Removes a profile's link to a case.
    #[wasm_bindgen(js_name = unlinkCase)]
    pub fn unlink_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
    ) -> JsResult<()> {
        self.run(
            "unlink_case",
            args!("by" => by, "case" => case_ref, "profile" => profile),
        )
        .map(drop)
    }

    /// The profiles linked to a case.
    #[wasm_bindgen(js_name = caseLinks, unchecked_return_type = "CaseLink[]")]
    pub fn case_links(
        &self,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
    ) -> JsResult {
        self.run("case_links", args!("case" => case_ref))
    }

    /// The cases linked to a profile, with its role on each.
    #[wasm_bindgen(js_name = casesOfProfile, unchecked_return_type = "ProfileCase[]")]
    pub fn cases_of_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(js_name = openOnly, unchecked_optional_param_type = "boolean")]
        open_only: JsValue,
    ) -> JsResult {
        self.run(
            "cases_of_profile",
            args!("profile" => profile, "open_only" => open_only),
        )
    }

    /// Keyword search over cases.
    #[wasm_bindgen(js_name = searchCases, unchecked_return_type = "CaseSummary[]")]
    pub fn search_cases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("search_cases", args!("text" => text, "limit" => limit))
    }
}
