//! casebook for JavaScript: the engine compiled to WebAssembly.
