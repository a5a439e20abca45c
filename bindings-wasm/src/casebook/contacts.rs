//! `Casebook` methods about contacts and caller recognition.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Logs a contact (a call, an e-mail, a chat).
    #[wasm_bindgen(js_name = logContact, unchecked_return_type = "Contact")]
    pub fn log_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ContactInput")] input: JsValue,
    ) -> JsResult {
        self.run("log_contact", args!("by" => by, "input" => input))
    }

    /// Associates a logged contact with a profile and/or a case.
    #[wasm_bindgen(js_name = associateContact, unchecked_return_type = "Contact")]
    pub fn associate_contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] contact: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(js_name = caseRef, unchecked_optional_param_type = "string")]
        case_ref: JsValue,
    ) -> JsResult {
        self.run(
            "associate_contact",
            args_or_options!("by" => by, "contact" => contact, "profile" => profile, "case" => case_ref),
        )
    }

    /// A contact by id.
    #[wasm_bindgen(unchecked_return_type = "Contact")]
    pub fn contact(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> JsResult {
        self.run("contact", args!("id" => id))
    }

    /// A profile's contacts, most recent first, optionally between two instants.
    #[wasm_bindgen(js_name = contactHistory, unchecked_return_type = "Contact[]")]
    pub fn contact_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] profile: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] to: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run(
            "contact_history",
            args_or_options!("profile" => profile, "from" => from, "to" => to, "limit" => limit),
        )
    }

    /// The contacts associated with a case.
    #[wasm_bindgen(js_name = caseContacts, unchecked_return_type = "Contact[]")]
    pub fn case_contacts(
        &self,
        #[wasm_bindgen(js_name = caseRef, unchecked_param_type = "string")] case_ref: JsValue,
    ) -> JsResult {
        self.run("case_contacts", args!("case" => case_ref))
    }

    /// Who is calling: one profile with its open cases, several (a shared
    /// address: the agent chooses), or none with a pre-filled new-customer draft.
    #[wasm_bindgen(unchecked_return_type = "Recognition")]
    pub fn recognize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Channel")] channel: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] address: JsValue,
    ) -> JsResult {
        self.run(
            "recognize",
            args!("channel" => channel, "address" => address),
        )
    }
}
