//! `Casebook` methods of reports and KPIs: a supervisor's wallboard and
//! the tables an agent desktop exports.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Loads a report definition (`{ id, name, filters, group_by, measures,
    /// durations, time_zone }`); a changed one becomes the next version.
    #[wasm_bindgen(js_name = loadReport, unchecked_return_type = "ReportDefinition")]
    pub fn load_report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReportDefinition | string")] report: JsValue,
    ) -> JsResult {
        self.run("load_report", args!("by" => by, "report" => report))
    }

    /// A report definition version (left out: the latest).
    #[wasm_bindgen(js_name = reportDefinition, unchecked_return_type = "ReportDefinition")]
    pub fn report_definition(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] version: JsValue,
    ) -> JsResult {
        self.run("report_definition", args!("id" => id, "version" => version))
    }

    /// The latest version of every report definition.
    #[wasm_bindgen(js_name = reportDefinitions, unchecked_return_type = "ReportDefinition[]")]
    pub fn report_definitions(&self) -> JsResult {
        self.run("report_definitions", args!())
    }

    /// Runs a loaded report over the cases created in `[from, to)` (either
    /// end open; grouping by day, week or month needs both). Also takes one
    /// `{ id, from, to }` object.
    #[wasm_bindgen(js_name = runReport, unchecked_return_type = "ReportTable")]
    pub fn run_report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] to: JsValue,
    ) -> JsResult {
        self.run(
            "run_report",
            args_or_options!("id" => id, "from" => from, "to" => to),
        )
    }

    /// Runs a report definition without loading it, as `runReport`.
    #[wasm_bindgen(js_name = kpiReport, unchecked_return_type = "ReportTable")]
    pub fn kpi_report(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReportDefinition | string")] report: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Timestamp | Date")] to: JsValue,
    ) -> JsResult {
        self.run(
            "kpi_report",
            args!("report" => report, "from" => from, "to" => to),
        )
    }

    /// A report table as CSV text (RFC 4180, CRLF line ends; formula-like
    /// text prefixed with `'`), for a download.
    #[wasm_bindgen(js_name = reportCsv, unchecked_return_type = "string")]
    pub fn report_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ReportTable")] table: JsValue,
    ) -> JsResult {
        self.run("report_csv", args!("table" => table))
    }
}
