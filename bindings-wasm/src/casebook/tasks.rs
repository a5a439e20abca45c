//! `Casebook` methods of tasks: the tasks of a case form, and an agent's
//! or a group's task list across cases.

use super::Casebook;
use crate::error::JsResult;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Casebook {
    /// Adds a task (or a follow-up, which needs `dueAt`) to a case; without
    /// an assignee and a group it goes to the case's. Also takes one
    /// `{ by, case, input }` object.
    #[wasm_bindgen(js_name = addTask, unchecked_return_type = "CaseTask")]
    pub fn add_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "add_task",
            args_or_options!("by" => by, "case" => case, "input" => input),
        )
    }

    /// Replaces an open task's editable part; `version` is the task's, as
    /// edited. Also takes one `{ by, case, task, version, input }` object.
    #[wasm_bindgen(js_name = editTask, unchecked_return_type = "CaseTask")]
    pub fn edit_task(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] task: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskInput")] input: JsValue,
    ) -> JsResult {
        self.run(
            "edit_task",
            args_or_options!("by" => by, "case" => case, "task" => task, "version" => version, "input" => input),
        )
    }

    /// Marks a task done or cancelled, or reopens it; `version` is the
    /// task's. Also takes one `{ by, case, task, version, status }` object.
    #[wasm_bindgen(js_name = setTaskStatus, unchecked_return_type = "CaseTask")]
    pub fn set_task_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] by: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] case: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] task: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] version: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskStatus")] status: JsValue,
    ) -> JsResult {
        self.run(
            "set_task_status",
            args_or_options!("by" => by, "case" => case, "task" => task, "version" => version, "status" => status),
        )
    }

    /// A task list across cases, most urgent first: `{ assignee }` for an
    /// agent's, `{ supportGroup }` for a group's unassigned tasks; open
    /// tasks of open cases and follow-ups once due (`limit`: 1 to 1,000,
    /// default 100).
    #[wasm_bindgen(js_name = taskList, unchecked_return_type = "TaskListItem[]")]
    pub fn task_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TaskOwner")] owner: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] limit: JsValue,
    ) -> JsResult {
        self.run("task_list", args!("owner" => owner, "limit" => limit))
    }
}
