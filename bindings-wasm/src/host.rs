//! The host's clock and random ids (wasm32 has neither built in).

use casebook::{Clock, IdSource, SeededIds};
use jiff::Timestamp;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// `Date.now()`, in UTC.
pub(crate) struct JsClock;

impl Clock for JsClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(js_sys::Date::now() as i64).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Today's date in UTC, by the host's clock.
pub(crate) fn today_utc() -> jiff::civil::Date {
    JsClock
        .now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// Version-4 UUIDs from `crypto.getRandomValues`, or, where a host lacks
/// it, from a generator seeded by `Math.random` and the clock.
pub(crate) struct JsIds {
    fallback: SeededIds,
}

impl JsIds {
    pub(crate) fn new() -> Self {
        let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
            ^ (js_sys::Date::now() as u64).rotate_left(32);
        JsIds {
            fallback: SeededIds::new(seed),
        }
    }
}

impl IdSource for JsIds {
    fn new_id(&self) -> uuid::Uuid {
        let mut bytes = [0u8; 16];
        if get_random_values(&mut bytes).is_ok() {
            uuid::Builder::from_random_bytes(bytes).into_uuid()
        } else {
            self.fallback.new_id()
        }
    }
}
