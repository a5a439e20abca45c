// Instances after `free()`: every method of a freed `Casebook` or
// `Validator`, and a second `free()`, throw the core's `invalid_state`
// error instead of wasm-bindgen's bare "null pointer passed to rust".
import { Casebook, Validator, __freedError as freedError } from './casebook_wasm.js';

const freed = new WeakSet();

function guard(cls) {
  const proto = cls.prototype;
  const free = proto.free;
  const guardedFree = function free_() {
    if (freed.has(this)) throw freedError(cls.name);
    freed.add(this);
    return free.call(this);
  };
  for (const key of Reflect.ownKeys(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    // The glue's own helpers (`__destroy_into_raw`) run inside free().
    if (key === 'constructor' || typeof descriptor.value !== 'function') continue;
    if (typeof key === 'string' && key.startsWith('__')) continue;
    if (descriptor.value === free) {
      // `free` and `Symbol.dispose` (one function in the glue).
      Object.defineProperty(proto, key, { ...descriptor, value: guardedFree });
      continue;
    }
    const method = descriptor.value;
    Object.defineProperty(proto, key, {
      ...descriptor,
      value: function guarded() {
        if (freed.has(this)) throw freedError(cls.name);
        return method.apply(this, arguments);
      },
    });
  }
}

guard(Casebook);
guard(Validator);
