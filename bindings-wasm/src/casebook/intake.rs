//! `Casebook` methods about case intake: the intake rules, and taking an
//! inbound message or call in (it joins its case, opens one, or is only
//! logged, exactly once per message id).

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Loads the intake rules (an object or its JSON text). Changed rules
    /// become a new version; bad ones throw `invalid_definition`.
    #[wasm_bindgen(js_name = loadIntakeRules, unchecked_return_type = "IntakeRulesDef")]
    pub fn load_intake_rules(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IntakeRulesDef | string")] rules: JsValue,
    ) -> JsResult {
        self.run("load_intake_rules", args!("by" => by, "rules" => rules))
    }

    /// The intake rules in force (the defaults, without a version, until
    /// rules are loaded).
    #[wasm_bindgen(js_name = intakeRules, unchecked_return_type = "IntakeRulesDef")]
    pub fn intake_rules(&self) -> JsResult {
        self.run("intake_rules", args!())
    }

    /// Takes an inbound message or call in: recognised, logged as a contact,
    /// and joined to its case, opening a case, or only logged, as the rules
    /// decide. A message id taken before gives the first outcome again,
    /// with `replayed: true`; a web form post with field errors throws
    /// `validation_failed` with every one of them.
    #[wasm_bindgen(unchecked_return_type = "IntakeOutcome")]
    pub fn intake(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Inbound")] inbound: JsValue,
    ) -> JsResult {
        self.run("intake", args!("by" => by, "inbound" => inbound))
    }

    /// Takes many messages in, in order, in one transaction, all or nothing:
    /// each as `intake` would, a later one seeing what the earlier ones did.
    #[wasm_bindgen(js_name = intakeMany, unchecked_return_type = "IntakeOutcome[]")]
    pub fn intake_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Inbound[]")] inbound: JsValue,
    ) -> JsResult {
        self.run("intake_many", args!("by" => by, "inbound" => inbound))
    }
}
