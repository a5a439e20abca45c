//! The `Validator` class: a template compiled once, for checking a form on
//! every keystroke.

use crate::error::{throw, JsResult};
use crate::{convert, host, ready};
use casebook::api::ValidateOptions;
use casebook::{Template, ValidationContext};
use wasm_bindgen::prelude::*;

/// The validation context and options of `validate` and `Validator`.
pub(crate) fn validation_context(
    options: &JsValue,
) -> casebook::Result<(ValidationContext, ValidateOptions)> {
    let options = ValidateOptions::from_value(&convert::from_js(options, "options")?)?;
    Ok((options.context(host::today_utc())?, options))
}

/// A template compiled once, for checking a form on every keystroke: only
/// the field errors, read straight from the record's JSON text (the core's
/// `Template::check_json`), with exactly the rules of `validate`.
#[wasm_bindgen]
pub struct Validator {
    template: Template,
    ctx: ValidationContext,
    options: ValidateOptions,
}

#[wasm_bindgen]
impl Validator {
    /// Compiles `template` (a template definition) with the options of `validate`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TemplateDef")] template: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions | boolean")]
        options: JsValue,
    ) -> JsResult<Validator> {
        ready();
        throw((|| {
            let template = Template::from_value(convert::from_js(&template, "template")?)?;
            let (ctx, options) = validation_context(&options)?;
            Ok(Validator {
                template,
                ctx,
                options,
            })
        })())
    }

    /// Every field error of `record` (an empty list when it is valid).
    #[wasm_bindgen(unchecked_return_type = "FieldError[]")]
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Fields")] record: JsValue,
    ) -> JsResult {
        ready();
        throw((|| {
            let text = convert::json_text(&record, "record")?;
            let errors = self
                .template
                .check_json(&text, self.options.mode(), &self.ctx)
                .map_err(|e| convert::refine_parse_error(e, "record"))?;
            convert::to_js(&serde_json::to_value(&errors)?)
        })())
    }
}
