//! `Casebook` methods about customer profiles and their relations.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Creates a profile. Refused with `duplicate_suspected` when it strongly
    /// matches existing profiles, unless `allowDuplicates` is true.
    #[wasm_bindgen(js_name = createProfile, unchecked_return_type = "Profile")]
    pub fn create_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
        #[wasm_bindgen(js_name = allowDuplicates, unchecked_optional_param_type = "boolean")]
        allow_duplicates: JsValue,
    ) -> JsResult {
        self.run(
            "create_profile",
            args!("by" => by, "input" => input, "allow_duplicates" => allow_duplicates),
        )
    }

    /// A profile by id or customer ID (a merged-away one redirects to its survivor).
    #[wasm_bindgen(unchecked_return_type = "Profile")]
    pub fn profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("profile", args!("ref" => r#ref))
    }

    /// A profile record by internal id, tombstones included (no redirect).
    #[wasm_bindgen(js_name = profileRecord, unchecked_return_type = "Profile")]
    pub fn profile_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uuid")] id: JsValue,
    ) -> JsResult {
        self.run("profile_record", args!("id" => id))
    }

    /// A profile's summary (for lists and pop-ups).
    #[wasm_bindgen(js_name = profileSummary, unchecked_return_type = "ProfileSummary")]
    pub fn profile_summary(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("profile_summary", args!("ref" => r#ref))
    }

    /// Replaces a profile's editable part; `version` is the one edited
    /// (`conflict` if someone changed it since).
    #[wasm_bindgen(js_name = updateProfile, unchecked_return_type = "Profile")]
    pub fn update_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "update_profile",
            args_or_options!("by" => by, "ref" => r#ref, "version" => version, "input" => input),
        )
    }

    /// Adds one contact point to a profile edited at `version`, leaving the
    /// rest of it as it is.
    #[wasm_bindgen(js_name = addContactPoint, unchecked_return_type = "Profile")]
    pub fn add_contact_point(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ContactPointInput")] point: JsValue,
    ) -> JsResult {
        self.run(
            "add_contact_point",
            args!("by" => by, "ref" => r#ref, "version" => version, "point" => point),
        )
    }

    /// Replaces one contact point of a profile, named by `which` (its key
    /// such as `phone:+447400123456`, or its value as stored or typed).
    #[wasm_bindgen(js_name = updateContactPoint, unchecked_return_type = "Profile")]
    pub fn update_contact_point(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] which: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ContactPointInput")] point: JsValue,
    ) -> JsResult {
        self.run(
            "update_contact_point",
            args!("by" => by, "ref" => r#ref, "version" => version, "which" => which, "point" => point),
        )
    }

    /// Removes one contact point of a profile, named as in `updateContactPoint`.
    #[wasm_bindgen(js_name = removeContactPoint, unchecked_return_type = "Profile")]
    pub fn remove_contact_point(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] which: JsValue,
    ) -> JsResult {
        self.run(
            "remove_contact_point",
            args!("by" => by, "ref" => r#ref, "version" => version, "which" => which),
        )
    }

    /// Looks profiles up by name, e-mail, phone, account, customer ID or identification.
    #[wasm_bindgen(js_name = findProfiles, unchecked_return_type = "ProfileSummary[]")]
    pub fn find_profiles(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("find_profiles", args!("query" => query, "limit" => limit))
    }

    /// Relates two profiles, with what `b` is to `a` and what `a` is to `b`:
    /// one tag or a list of them each way (`["spouse", "carer"]`).
    #[wasm_bindgen(unchecked_return_type = "Relation")]
    pub fn relate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] b: JsValue,
        #[wasm_bindgen(js_name = aToB, unchecked_param_type = "string | string[]")] a_to_b: JsValue,
        #[wasm_bindgen(js_name = bToA, unchecked_param_type = "string | string[]")] b_to_a: JsValue,
    ) -> JsResult {
        self.run(
            "relate",
            args_or_options!("by" => by, "a" => a, "b" => b, "a_to_b" => a_to_b, "b_to_a" => b_to_a),
        )
    }

    /// Removes the relation between two profiles.
    #[wasm_bindgen]
    pub fn unrelate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] a: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] b: JsValue,
    ) -> JsResult<()> {
        self.run("unrelate", args!("by" => by, "a" => a, "b" => b))
            .map(drop)
    }

    /// The customers related to a profile (household, employer, ...).
    #[wasm_bindgen(js_name = relatedCustomers, unchecked_return_type = "RelatedCustomer[]")]
    pub fn related_customers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
    ) -> JsResult {
        self.run("related_customers", args!("ref" => r#ref))
    }
}
