//! `Casebook` methods of response templates and case notifications: the
//! canned replies an agent desktop offers, previewed for the customer on
//! screen, and a message to every customer linked to a case.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Loads a response template (`{ id, name, channel, subject?, body }`);
    /// a changed one becomes the next version.
    #[wasm_bindgen(js_name = loadResponseTemplate, unchecked_return_type = "ResponseTemplate")]
    pub fn load_response_template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ResponseTemplateDef | string")] template: JsValue,
    ) -> JsResult {
        self.run(
            "load_response_template",
            args!("by" => by, "template" => template),
        )
    }

    /// A response template version (left out: the latest).
    #[wasm_bindgen(js_name = responseTemplate, unchecked_return_type = "ResponseTemplate")]
    pub fn response_template(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("response_template", args!("id" => id, "version" => version))
    }

    /// The latest version of every response template.
    #[wasm_bindgen(js_name = responseTemplates, unchecked_return_type = "ResponseTemplate[]")]
    pub fn response_templates(&self) -> JsResult {
        self.run("response_templates", args!())
    }

    /// A response template rendered for a customer (and a case), as `by`
    /// would send it: a preview, nothing is stored.
    #[wasm_bindgen(js_name = renderResponse, unchecked_return_type = "RenderedMessage")]
    pub fn render_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] template: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] case: JsValue,
    ) -> JsResult {
        self.run(
            "render_response",
            args!("by" => by, "template" => template, "profile" => profile, "case" => case),
        )
    }

    /// Notifies the customers linked to a case (all, or those of `roles`)
    /// with a response template: a message, an outbound contact and a
    /// `message.requested` event each; the unreachable are reported.
    #[wasm_bindgen(js_name = notifyCase, unchecked_return_type = "CaseNotification")]
    pub fn notify_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] template: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LinkRole[]")] roles: JsValue,
    ) -> JsResult {
        self.run(
            "notify_case",
            args!("by" => by, "case" => case, "template" => template, "roles" => roles),
        )
    }

    /// Records a customer's satisfaction feedback on a resolved case
    /// (`{ profile, score, comment?, channel?, givenAt? }`); answers the case.
    #[wasm_bindgen(js_name = recordFeedback, unchecked_return_type = "Case")]
    pub fn record_feedback(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FeedbackInput")] feedback: JsValue,
    ) -> JsResult {
        self.run(
            "record_feedback",
            args!("by" => by, "case" => case, "feedback" => feedback),
        )
    }
}
