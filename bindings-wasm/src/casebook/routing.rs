//! `Casebook` methods about routing: the routing rules (ordered, the first
//! match choosing a new case's support group, assignee and priority) and
//! where a case would go.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Loads the routing rules (an object or its JSON text). Changed rules
    /// become a new version; bad ones throw `invalid_definition`. From then
    /// on a new case naming neither a support group nor an assignee is
    /// routed by the first rule that matches.
    #[wasm_bindgen(js_name = loadRoutingRules, unchecked_return_type = "RoutingRulesDef")]
    pub fn load_routing_rules(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RoutingRulesDef | string")] rules: JsValue,
    ) -> JsResult {
        self.run("load_routing_rules", args!("by" => by, "rules" => rules))
    }

    /// The routing rules in force (none, without a version, until rules
    /// are loaded).
    #[wasm_bindgen(js_name = routingRules, unchecked_return_type = "RoutingRulesDef")]
    pub fn routing_rules(&self) -> JsResult {
        self.run("routing_rules", args!())
    }

    /// Where the routing rules would send a new case made of `input`,
    /// without creating it: `null` when no rule matches or the input names
    /// a support group or an assignee itself.
    #[wasm_bindgen(js_name = routeCase, unchecked_return_type = "RoutingDecision | null")]
    pub fn route_case(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CaseInput")] input: JsValue,
    ) -> JsResult {
        self.run("route_case", args!("input" => input))
    }
}
