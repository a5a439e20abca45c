// Linked records through the JavaScript package, as an agent desktop's
// customer card uses them: CRM records linked to the caller, the card in
// its order, a record created through the host, attachments, relations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-02T09:00:00Z', stepMs: 1 }, idSeed: 9 };

const crm = (recordType, externalId) => ({ system: 'salesforce', recordType, externalId, displayName: `${recordType} ${externalId}` });

function household(cb) {
  const ann = cb.createProfile('agent', { givenName: 'Ann', familyName: 'Okafor',
    contactPoints: [{ kind: 'phone', value: '020 7946 0958' }] });
  const bob = cb.createProfile('agent', { givenName: 'Bob', familyName: 'Okafor' }, true);
  cb.relate('agent', ann.customerId, bob.customerId, 'spouse', 'spouse');
  return { ann, bob };
}

test('the customer card of a call, in order', () => {
  const cb = new Casebook(OPTIONS);
  const { ann, bob } = household(cb);
  cb.linkExternalRecord('agent', { profile: ann.customerId }, crm('opportunity', '006A1'));
  cb.linkExternalRecord('agent', { profile: ann.customerId }, crm('contact', '003A1'));
  cb.linkExternalRecord('agent', { profile: bob.customerId }, crm('lead', '00QB1'));
  const c = cb.createCase('agent', { shortDescription: 'Line down', links: [{ profile: ann.customerId, role: 'requester' }] });
  cb.linkExternalRecord('agent', { case: c.number }, crm('case', '500C1'));
  const call = cb.logContact('agent', { channel: 'voice', address: '020 7946 0958', profile: ann.customerId });
  cb.linkExternalRecord('agent', { contact: call.id }, crm('task', '00TC1'));
  const card = cb.customerCard(call.id);
  assert.deepEqual(card.records.map((r) => [r.source, r.link.reference.externalId]), [
    ['interaction', '00TC1'], ['customer', '003A1'], ['customer', '006A1'], ['household', '00QB1'], ['case', '500C1'],
  ]);
  assert.equal(card.records[3].relationship, 'spouse');
  assert.equal(card.profile.customerId, ann.customerId);
  cb.unlinkExternalRecord('agent', { profile: ann.customerId }, 'salesforce', 'opportunity', '006A1');
  assert.equal(cb.externalRecords({ profile: ann.customerId }).length, 1);
  rejects(() => cb.linkExternalRecord('agent', { colour: 'x' }, crm('contact', '1')), 'invalid_input');
  rejects(() => cb.linkExternalRecord('agent', { profile: ann.customerId }, { system: 'salesforce', recordType: 'contact' }), 'validation_failed');
});

test('a record created through the host, and the wrap-up', () => {
  const cb = new Casebook(OPTIONS);
  const { ann } = household(cb);
  const call = cb.logContact('agent', { channel: 'voice', address: '020 7946 0958', profile: ann.customerId });
  const asked = cb.requestExternalRecord('agent', { contact: call.id }, 'dynamics', 'lead');
  assert.equal(asked.kind, 'create_record');
  assert.equal(asked.fields.profile.customer_id, ann.customerId, 'the details keep their names');
  assert.equal(cb.externalRecords({ contact: call.id })[0].status, 'pending');
  const pending = cb.hostRequests();
  assert.deepEqual(pending.map((r) => r.seq), [asked.seq]);
  cb.completeHostRequest('agent', asked.seq, { system: 'dynamics', recordType: 'lead', externalId: '00Q9' });
  assert.equal(cb.externalRecords({ contact: call.id })[0].reference.externalId, '00Q9');
  cb.wrapUpContact('agent', call.id);
  cb.wrapUpContact('agent', call.id);
  const passes = cb.hostRequests(asked.seq).filter((r) => r.kind === 'pass_details');
  assert.equal(passes.length, 1);
  assert.equal(passes[0].fields.interaction.channel, 'voice');
  cb.failHostRequest('agent', passes[0].seq, 'CRM offline');
  assert.equal(cb.hostRequests(asked.seq)[0].status, 'failed');
  rejects(() => cb.completeHostRequest('agent', 999), 'not_found');
});

test('attachments and typed relations', () => {
  const cb = new Casebook(OPTIONS);
  const { ann } = household(cb);
  const c = cb.createCase('agent', { shortDescription: 'Cracked screen', links: [{ profile: ann.customerId, role: 'requester' }] });
  const file = cb.addAttachment('agent', { case: c.number }, {
    fileName: 'front.jpg', mediaType: 'image/jpeg', size: 1024,
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', uri: 's3://evidence/front.jpg',
  });
  assert.equal(cb.profileAttachments(ann.customerId)[0].attachment.fileName, 'front.jpg');
  rejects(() => cb.addAttachment('agent', { case: c.number }, { ...file, sha256: 'x' }), 'invalid_input');
  cb.removeAttachment('agent', { case: c.number }, file.id);
  assert.deepEqual(cb.profileAttachments(ann.customerId), []);
  const problem = cb.createCase('agent', { shortDescription: 'Faulty batch' });
  cb.relateRecord('agent', c.number, { kind: 'problem', case: problem.number });
  cb.relateRecord('agent', c.number, { kind: 'knowledge', external: { system: 'kb', recordType: 'article', externalId: 'KB12' } });
  const relations = cb.caseRelations(c.number);
  assert.deepEqual(relations.related.map((g) => g.kind), ['problem', 'knowledge']);
  assert.equal(relations.related[0].records[0].case.number, problem.number);
  assert.equal(relations.related[1].records[0].relation.linkedBy, 'agent');
});

test('a duplicate case merged and unmerged', () => {
  const cb = new Casebook(OPTIONS);
  const { ann, bob } = household(cb);
  const keep = cb.createCase('agent', { shortDescription: 'No broadband', links: [{ profile: ann.customerId, role: 'requester' }] });
  const dup = cb.createCase('agent', { shortDescription: 'Internet down', links: [{ profile: bob.customerId, role: 'affected' }] });
  cb.addCaseEntry('agent', dup.number, 'work_note', 'Checked the line');
  const plan = { survivor: keep.number, duplicate: dup.number };
  assert.equal(cb.caseMergePreview(plan).linksMoved, 1);
  const merged = cb.mergeCases('agent', plan);
  assert.equal(merged.duplicate.duplicateOf, keep.id);
  assert.equal(merged.survivor.timeline.find((e) => e.text === 'Checked the line').origin, dup.number);
  assert.equal(cb.caseLinks(keep.number).length, 2);
  const undone = cb.unmergeCases('agent', merged.mergeId);
  assert.equal(undone.duplicate.status, 'new');
  rejects(() => cb.unmergeCases('agent', merged.mergeId), 'unmerge_refused');
});
