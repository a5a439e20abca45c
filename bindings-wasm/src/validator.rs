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

/// A template compiled once, for checking a form on every keystroke:
/// `check` gives only the field errors, read straight from the record's JSON
/// text (the core's `Template::check_json`); `validate` also gives the
/// normalised values. The rules are exactly those of the free `validate`
/// and of the engine.
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

    /// Every field error of `record` (an empty list when it is valid):
    /// the fields object, or its JSON text as a form posts it. A record
    /// that is not an object is refused with `invalid_input`.
    #[wasm_bindgen(unchecked_return_type = "FieldError[]")]
    pub fn check(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Fields | string")] record: JsValue,
    ) -> JsResult {
        self.on_text(&record, |v, text| {
            convert::to_js(&v.template.check_json(text, v.options.mode(), &v.ctx)?)
        })
    }

    /// The whole report of `record` (an object or its JSON text): the values
    /// as they would be stored (trimmed, phone numbers in E.164, defaults
    /// filled), every field error and, for a draft, the required fields still
    /// missing. Slower than `check`, which builds no values.
    #[wasm_bindgen(unchecked_return_type = "ValidationReport")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Fields | string")] record: JsValue,
    ) -> JsResult {
        self.on_text(&record, |v, text| {
            convert::to_js(&v.template.validate_json(text, v.options.mode(), &v.ctx)?)
        })
    }
}

impl Validator {
    /// Runs `f` on the record's JSON text: a string is already the text (a
    /// posted form), anything else goes through `JSON.stringify`.
    fn on_text(
        &self,
        record: &JsValue,
        f: impl FnOnce(&Self, &str) -> casebook::Result<JsValue>,
    ) -> JsResult {
        ready();
        let text = match record.as_string() {
            Some(text) => Ok(text),
            None => convert::json_text(record, "record"),
        };
        throw(
            text.and_then(|text| f(self, &text))
                .map_err(|e| convert::refine_parse_error(e, "record")),
        )
    }
}
