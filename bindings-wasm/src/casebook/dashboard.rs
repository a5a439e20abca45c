//! `Casebook` method of a customer's dashboard: the counts a customer
//! card's chart shows (cases by status, campaigns, channels).

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// A profile's dashboard over a period (cases created, contacts started
    /// in `[from, to)`, either end open): cases by status, cases and
    /// contacts by campaign, contacts by channel, the preferred channel and
    /// that of the latest contact that reached the customer. Also takes one
    /// `{ profile, from, to }` object.
    #[wasm_bindgen(js_name = profileDashboard, unchecked_return_type = "ProfileDashboard")]
    pub fn profile_dashboard(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] to: JsValue,
    ) -> JsResult {
        self.run(
            "profile_dashboard",
            args_or_options!("profile" => profile, "from" => from, "to" => to),
        )
    }
}
