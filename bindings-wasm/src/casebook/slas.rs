//! `Casebook` methods about service levels: business calendars and their
//! arithmetic, SLA definitions, a case's SLA clocks, the crossings due and
//! taking them as events.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SLAS: &str = r#"
/** Working time between two instants (`calendarBusinessTime`). */
export interface BusinessTime {
    /** Whole seconds (negative when `to` is before `from`). */
    seconds: number;
    /** The same, as text (`1h 30m`). */
    text: string;
}
"#;

#[wasm_bindgen]
impl Casebook {
    /// Loads a business calendar (a definition object or its JSON text). A
    /// changed definition of an existing id becomes a new version; a bad one
    /// throws `invalid_definition`.
    #[wasm_bindgen(js_name = loadCalendar, unchecked_return_type = "CalendarDef")]
    pub fn load_calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CalendarDef | string")] calendar: JsValue,
    ) -> JsResult {
        self.run("load_calendar", args!("by" => by, "calendar" => calendar))
    }

    /// The latest version of every loaded calendar.
    #[wasm_bindgen(unchecked_return_type = "CalendarRef[]")]
    pub fn calendars(&self) -> JsResult {
        self.run("calendars", args!())
    }

    /// A calendar's definition (`version` left out: the latest).
    #[wasm_bindgen(unchecked_return_type = "CalendarDef")]
    pub fn calendar(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("calendar", args!("id" => id, "version" => version))
    }

    /// Loads an SLA definition (a definition object or its JSON text). A
    /// changed definition of an existing id becomes a new version; a bad one
    /// throws `invalid_definition`.
    #[wasm_bindgen(js_name = loadSla, unchecked_return_type = "SlaDef")]
    pub fn load_sla(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SlaDef | string")] sla: JsValue,
    ) -> JsResult {
        self.run("load_sla", args!("by" => by, "sla" => sla))
    }

    /// A stored SLA definition (`version` left out: the latest).
    #[wasm_bindgen(js_name = slaDefinition, unchecked_return_type = "SlaDef")]
    pub fn sla_definition(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("sla_definition", args!("id" => id, "version" => version))
    }

    /// The latest version of every SLA definition.
    #[wasm_bindgen(js_name = slaDefinitions, unchecked_return_type = "SlaDef[]")]
    pub fn sla_definitions(&self) -> JsResult {
        self.run("sla_definitions", args!())
    }

    /// A case's SLA clocks as they stand at `at` (an RFC 3339 instant; left
    /// out: now).
    #[wasm_bindgen(js_name = caseSlas, unchecked_return_type = "SlaClock[]")]
    pub fn case_slas(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] r#ref: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] at: JsValue,
    ) -> JsResult {
        self.run("case_slas", args!("ref" => r#ref, "at" => at))
    }

    /// The warning and breach crossings due by `until`, soonest first
    /// (nothing is taken).
    #[wasm_bindgen(js_name = slaDue, unchecked_return_type = "SlaDue[]")]
    pub fn sla_due(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] until: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("sla_due", args!("until" => until, "limit" => limit))
    }

    /// Takes the crossings due at `now` as events and runs their
    /// escalations; each crossing is taken only once, ever.
    #[wasm_bindgen(js_name = dueSlaEvents, unchecked_return_type = "SlaEvent[]")]
    pub fn due_sla_events(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] now: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run(
            "due_sla_events",
            args!("by" => by, "now" => now, "limit" => limit),
        )
    }

    /// Whether a calendar (a loaded id or a definition) is open at `at`.
    #[wasm_bindgen(js_name = calendarIsOpen, unchecked_return_type = "boolean")]
    pub fn calendar_is_open(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | CalendarDef")] calendar: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] at: JsValue,
    ) -> JsResult {
        self.run(
            "calendar_is_open",
            args!("calendar" => calendar, "at" => at),
        )
    }

    /// The first instant at or after `at` when a calendar (a loaded id or a
    /// definition) is open.
    #[wasm_bindgen(js_name = calendarNextOpening, unchecked_return_type = "string")]
    pub fn calendar_next_opening(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | CalendarDef")] calendar: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] at: JsValue,
    ) -> JsResult {
        self.run(
            "calendar_next_opening",
            args!("calendar" => calendar, "at" => at),
        )
    }

    /// The working time of a calendar (a loaded id or a definition) between
    /// two instants.
    #[wasm_bindgen(js_name = calendarBusinessTime, unchecked_return_type = "BusinessTime")]
    pub fn calendar_business_time(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | CalendarDef")] calendar: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] to: JsValue,
    ) -> JsResult {
        self.run(
            "calendar_business_time",
            args!("calendar" => calendar, "from" => from, "to" => to),
        )
    }

    /// The instant `duration` of working time after `from`, in a calendar (a
    /// loaded id or a definition); `duration` is seconds or text (`"1h 30m"`).
    #[wasm_bindgen(js_name = calendarAddBusiness, unchecked_return_type = "string")]
    pub fn calendar_add_business(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | CalendarDef")] calendar: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | string")] duration: JsValue,
    ) -> JsResult {
        self.run(
            "calendar_add_business",
            args!("calendar" => calendar, "from" => from, "duration" => duration),
        )
    }
}
