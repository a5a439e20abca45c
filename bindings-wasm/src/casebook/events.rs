//! `Casebook` methods of the event outbox: what changed, in commit order,
//! read by cursor or per consumer, for the page to react to (a toast when
//! a case is assigned to the agent, a refreshed customer card).

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Events after sequence number `cursor` (left out: from the first), in
    /// order, at most `limit` (default 100, at most 1,000).
    #[wasm_bindgen(js_name = eventsAfter, unchecked_return_type = "Event[]")]
    pub fn events_after(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] cursor: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("events_after", args!("cursor" => cursor, "limit" => limit))
    }

    /// The events a consumer has not acknowledged yet, in order: the same
    /// events, with the same keys, until they are acknowledged.
    #[wasm_bindgen(js_name = eventsFor, unchecked_return_type = "Event[]")]
    pub fn events_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] consumer: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run(
            "events_for",
            args!("consumer" => consumer, "limit" => limit),
        )
    }

    /// Records that a consumer has handled every event up to `seq`.
    #[wasm_bindgen(js_name = acknowledgeEvents, unchecked_return_type = "EventConsumer")]
    pub fn acknowledge_events(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] consumer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] seq: JsValue,
    ) -> JsResult {
        self.run(
            "acknowledge_events",
            args!("consumer" => consumer, "seq" => seq),
        )
    }

    /// Where a consumer stands: its last acknowledged event and the last one.
    #[wasm_bindgen(js_name = eventConsumer, unchecked_return_type = "EventConsumer")]
    pub fn event_consumer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] consumer: JsValue,
    ) -> JsResult {
        self.run("event_consumer", args!("consumer" => consumer))
    }
}
