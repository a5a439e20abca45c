//! `Casebook` methods about templates and form validation.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Every stored template version.
    #[wasm_bindgen(unchecked_return_type = "TemplateRef[]")]
    pub fn templates(&self) -> JsResult {
        self.run("templates", args!())
    }

    /// A template's definition (`version` left out: the latest).
    #[wasm_bindgen(unchecked_return_type = "TemplateDef")]
    pub fn template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("template", args!("id" => id, "version" => version))
    }

    /// Loads a template (a definition object or its JSON text). A changed
    /// definition of an existing id becomes a new version.
    #[wasm_bindgen(js_name = loadTemplate, unchecked_return_type = "TemplateDef")]
    pub fn load_template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TemplateDef | string")] template: JsValue,
    ) -> JsResult {
        self.run("load_template", args!("by" => by, "template" => template))
    }

    /// Validates custom field values against a stored template.
    #[wasm_bindgen(js_name = validateRecord, unchecked_return_type = "ValidationReport")]
    pub fn validate_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] template_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run(
            "validate_record",
            args!("template_id" => template_id, "record" => record, "draft" => draft, "version" => version),
        )
    }

    /// Validates a whole new-customer form: the normalised input and every problem.
    #[wasm_bindgen(js_name = validateProfile, unchecked_return_type = "FormValidation<ProfileInput>")]
    pub fn validate_profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ProfileInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
    ) -> JsResult {
        self.run(
            "validate_profile",
            args!("input" => input, "draft" => draft),
        )
    }

    /// Validates a whole case form: the normalised input and every problem.
    #[wasm_bindgen(js_name = validateCase, unchecked_return_type = "FormValidation<CaseInput>")]
    pub fn validate_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] draft: JsValue,
    ) -> JsResult {
        self.run("validate_case", args!("input" => input, "draft" => draft))
    }
}
