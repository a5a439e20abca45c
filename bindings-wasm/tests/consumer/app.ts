// TypeScript strict with only the standard libraries a web app has.
import init, { Casebook, CasebookError, isCasebookError, Validator, type FieldError, type Profile } from 'casebook-wasm';

export async function main(): Promise<string> {
  await init();
  const cb = new Casebook({ config: { defaultRegion: 'GB' } });
  const profile: Profile = cb.createProfile('agent', { familyName: 'Lovelace' });
  const errors: FieldError[] = new Validator({ id: 't', kind: 'profile', name: 'T', fields: [] }).check('{}');
  try {
    cb.profile('C-404');
  } catch (e: unknown) {
    if (isCasebookError(e)) return `${e.code} ${e.status} ${e instanceof CasebookError}`;
    throw e;
  }
  return `${profile.customerId} ${errors.length}`;
}
