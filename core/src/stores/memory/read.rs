//! Reads of the in-memory store, straight from its indexes.

use super::data::Data;
use crate::error::Result;
use crate::model::{relation_key, AuditEntry, Case, CaseLink, Contact, Profile, Relation};
use crate::sla::{SlaDue, SlaDueKey};
use crate::store::{
    aggregate, CaseFacts, CaseIndex, FactsGroup, FactsQuery, ProfileIndex, ReadTx, Snapshot,
    StoredDefinition, SNAPSHOT_FORMAT,
};
use crate::template::{Template, TemplateRef};
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;
use uuid::Uuid;

/// Contacts of one owner (profile or case) started in `[from, to)`, newest first.
fn contacts_in_range(
    index: &BTreeSet<(Uuid, Timestamp, Uuid)>,
    contacts: &HashMap<Uuid, Arc<Contact>>,
    owner: Uuid,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
    limit: usize,
) -> Vec<Arc<Contact>> {
    let lower = (owner, from.unwrap_or(Timestamp::MIN), Uuid::nil());
    let upper = match to {
        Some(to) => (owner, to, Uuid::nil()),
        None => (owner, Timestamp::MAX, Uuid::max()),
    };
    // A B-tree range whose start is past its end panics: such a range is empty.
    if lower >= upper && to.is_some() {
        return Vec::new();
    }
    let upper = match to {
        Some(_) => Bound::Excluded(upper),
        None => Bound::Included(upper),
    };
    index
        .range((Bound::Included(lower), upper))
        .rev()
        .take(limit)
        .filter_map(|(_, _, id)| contacts.get(id).map(Arc::clone))
        .collect()
}

/// Owned copies of shared contacts, for the reads that hand out copies.
fn copies(shared: Vec<Arc<Contact>>) -> Vec<Contact> {
    shared.iter().map(|c| Contact::clone(c)).collect()
}

impl ReadTx for Data {
    fn profile(&self, id: Uuid) -> Result<Option<Profile>> {
        Ok(self.profiles.get(&id).map(|s| Profile::clone(&s.profile)))
    }

    fn shared_profile(&self, id: Uuid) -> Result<Option<Arc<Profile>>> {
        Ok(self.profiles.get(&id).map(|s| Arc::clone(&s.profile)))
    }

    fn shared_profiles_with_key(&self, key: &str) -> Result<Vec<Arc<Profile>>> {
        let Some(set) = self.profile_keys.get(key) else {
            return Ok(Vec::new());
        };
        Ok(set
            .to_vec()
            .iter()
            .filter_map(|id| self.profiles.get(id).map(|s| Arc::clone(&s.profile)))
            .collect())
    }

    fn profile_id_by_customer_id(&self, customer_id: &str) -> Result<Option<Uuid>> {
        Ok(self.customer_ids.get(customer_id).copied())
    }

    fn profiles_by_key(&self, key: &str) -> Result<Vec<Uuid>> {
        Ok(self
            .profile_keys
            .get(key)
            .map(|set| set.to_vec())
            .unwrap_or_default())
    }

    fn profiles_by_name_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<Uuid>> {
        let start: Box<str> = Box::from(prefix);
        let mut ids: Vec<Uuid> = self
            .names
            .range((start, Uuid::nil())..)
            .take_while(|(token, _)| token.starts_with(prefix))
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.truncate(limit);
        Ok(ids)
    }

    fn profile_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>> {
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        Ok(self
            .profile_order
            .range((lower, Bound::Unbounded))
            .take(limit)
            .copied()
            .collect())
    }

    fn profiles_page(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Profile>> {
        let ids = self.profile_ids(after, limit)?;
        self.profiles(&ids)
    }

    fn visit_profiles_page(
        &self,
        after: Option<Uuid>,
        limit: usize,
        visit: &mut dyn FnMut(&[&Profile]),
    ) -> Result<Option<Uuid>> {
        let ids = self.profile_ids(after, limit)?;
        let page: Vec<&Profile> = ids
            .iter()
            .filter_map(|id| self.profiles.get(id).map(|s| &*s.profile))
            .collect();
        visit(&page);
        Ok(ids.last().copied())
    }

    fn profile_count(&self) -> Result<usize> {
        Ok(self.profiles.len())
    }

    fn profile_index(&self, id: Uuid) -> Result<Option<ProfileIndex>> {
        Ok(self.profiles.get(&id).map(|s| s.index()))
    }

    fn case(&self, id: Uuid) -> Result<Option<Case>> {
        Ok(self.cases.get(&id).map(|s| Case::clone(&s.case)))
    }

    fn case_id_by_number(&self, number: &str) -> Result<Option<Uuid>> {
        Ok(self.case_numbers.get(number).copied())
    }

    fn search_cases(&self, tokens: &[String], limit: usize) -> Result<Vec<Uuid>> {
        Ok(self.search(tokens, limit))
    }

    fn case_count(&self) -> Result<usize> {
        Ok(self.cases.len())
    }

    fn case_ids(&self, after: Option<Uuid>, limit: usize) -> Result<Vec<Uuid>> {
        // Cases are kept by id without order: sorted here, for a rare full pass.
        let mut ids: Vec<Uuid> = self
            .cases
            .keys()
            .filter(|id| after.is_none_or(|a| **id > a))
            .copied()
            .collect();
        ids.sort_unstable();
        ids.truncate(limit);
        Ok(ids)
    }

    fn case_index(&self, id: Uuid) -> Result<Option<CaseIndex>> {
        Ok(self.cases.get(&id).map(|s| CaseIndex {
            search_tokens: s.tokens.to_vec(),
        }))
    }

    fn links_of_case(&self, case: Uuid) -> Result<Vec<CaseLink>> {
        Ok(self
            .links
            .range((case, Uuid::nil())..=(case, Uuid::max()))
            .map(|(_, l)| l.clone())
            .collect())
    }

    fn links_of_profile(&self, profile: Uuid) -> Result<Vec<CaseLink>> {
        Ok(self
            .links_by_profile
            .range((profile, Uuid::nil())..=(profile, Uuid::max()))
            .filter_map(|(p, c)| self.links.get(&(*c, *p)).cloned())
            .collect())
    }

    fn linked_cases(&self, profile: Uuid) -> Result<Vec<(CaseLink, Arc<Case>)>> {
        Ok(self
            .links_by_profile
            .range((profile, Uuid::nil())..=(profile, Uuid::max()))
            .filter_map(|(p, c)| {
                let link = self.links.get(&(*c, *p))?;
                let case = self.cases.get(c)?;
                Some((link.clone(), Arc::clone(&case.case)))
            })
            .collect())
    }

    fn contact(&self, id: Uuid) -> Result<Option<Contact>> {
        Ok(self.contacts.get(&id).map(|c| Contact::clone(c)))
    }

    fn contacts_of_profile(
        &self,
        profile: Uuid,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<Contact>> {
        Ok(copies(contacts_in_range(
            &self.contacts_by_profile,
            &self.contacts,
            profile,
            from,
            to,
            limit,
        )))
    }

    fn contact_ids_of_profile(&self, profile: Uuid) -> Result<Vec<Uuid>> {
        Ok(self
            .contacts_by_profile
            .range((profile, Timestamp::MIN, Uuid::nil())..=(profile, Timestamp::MAX, Uuid::max()))
            .map(|(_, _, id)| *id)
            .collect())
    }

    fn latest_shared_contacts(&self, profile: Uuid, limit: usize) -> Result<Vec<Arc<Contact>>> {
        Ok(contacts_in_range(
            &self.contacts_by_profile,
            &self.contacts,
            profile,
            None,
            None,
            limit,
        ))
    }

    fn contacts_of_case(&self, case: Uuid) -> Result<Vec<Contact>> {
        Ok(copies(contacts_in_range(
            &self.contacts_by_case,
            &self.contacts,
            case,
            None,
            None,
            usize::MAX,
        )))
    }

    fn relations_of(&self, profile: Uuid) -> Result<Vec<Relation>> {
        Ok(self
            .relations_by_profile
            .range((profile, Uuid::nil())..=(profile, Uuid::max()))
            .filter_map(|(p, other)| self.relations.get(&relation_key(*p, *other)).cloned())
            .collect())
    }

    fn template(&self, id: &str, version: u32) -> Result<Option<Template>> {
        Ok(self.templates.get(&(id.to_string(), version)).cloned())
    }

    fn latest_template_version(&self, id: &str) -> Result<Option<u32>> {
        Ok(self
            .templates
            .range((id.to_string(), 0)..=(id.to_string(), u32::MAX))
            .next_back()
            .map(|((_, v), _)| *v))
    }

    fn template_refs(&self) -> Result<Vec<TemplateRef>> {
        Ok(self
            .templates
            .keys()
            .map(|(id, version)| TemplateRef {
                id: id.clone(),
                version: *version,
            })
            .collect())
    }

    fn sequence(&self, name: &str) -> Result<u64> {
        Ok(self.sequences.get(name).copied().unwrap_or(0))
    }

    fn audit(&self, subject: Option<Uuid>) -> Result<Vec<AuditEntry>> {
        Ok(match subject {
            None => self.audit.clone(),
            Some(s) => self
                .audit_by_subject
                .range((s, 0)..=(s, usize::MAX))
                .filter_map(|(_, i)| self.audit.get(*i).cloned())
                .collect(),
        })
    }

    fn blob(&self, kind: &str, id: Uuid) -> Result<Option<serde_json::Value>> {
        Ok(self.blobs.get(&(kind.to_string(), id)).cloned())
    }

    fn definitions(&self, kind: &str) -> Result<Vec<StoredDefinition>> {
        Ok(self.slas.definitions(kind))
    }

    fn sla_due_before(&self, until: Timestamp, limit: usize) -> Result<Vec<SlaDue>> {
        Ok(self.slas.due_before(until, limit))
    }

    fn sla_due_of_case(&self, case: Uuid) -> Result<Vec<SlaDue>> {
        Ok(self.slas.due_of_case(case))
    }

    fn sla_taken_of_case(&self, case: Uuid) -> Result<Vec<SlaDueKey>> {
        Ok(self.slas.taken_of_case(case))
    }

    fn case_facts(&self, case: Uuid) -> Result<Option<CaseFacts>> {
        Ok(self.facts.get(case).cloned())
    }

    fn case_kpis(&self, query: &FactsQuery) -> Result<Vec<FactsGroup>> {
        Ok(aggregate(self.facts.values(), query))
    }

    fn backlog(&self, group: &str, limit: usize) -> Result<Vec<Uuid>> {
        Ok(self.facts.backlog(group, limit))
    }

    fn open_load(&self, assignee: &str) -> Result<Vec<(Option<String>, u32)>> {
        Ok(self.facts.open_load(assignee))
    }

    fn open_tasks(
        &self,
        owner: &crate::model::TaskOwner,
        now_s: i64,
        limit: usize,
    ) -> Result<Vec<crate::store::TaskRow>> {
        Ok(self.tasks.open_tasks(owner, now_s, limit))
    }

    fn task_rows_of_case(&self, case: Uuid) -> Result<Vec<crate::store::TaskRow>> {
        Ok(self.tasks.rows_of_case(case))
    }

    fn export(&self) -> Result<Snapshot> {
        let mut profiles: Vec<Profile> = self
            .profiles
            .values()
            .map(|s| Profile::clone(&s.profile))
            .collect();
        profiles.sort_by_key(|p| p.id);
        let mut cases: Vec<_> = self.cases.values().collect();
        cases.sort_by_key(|s| s.seq);
        let mut contacts: Vec<Contact> =
            self.contacts.values().map(|c| Contact::clone(c)).collect();
        contacts.sort_by_key(|c| c.id);
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            templates: self.templates.values().cloned().collect(),
            profiles,
            cases: cases.into_iter().map(|s| Case::clone(&s.case)).collect(),
            links: self.links.values().cloned().collect(),
            contacts,
            relations: self.relations.values().cloned().collect(),
            sequences: self.sequences.clone(),
            audit: self.audit.clone(),
            blobs: self
                .blobs
                .iter()
                .map(|((kind, id), v)| (kind.clone(), *id, v.clone()))
                .collect(),
            definitions: self.slas.definitions.values().cloned().collect(),
            sla_taken: self.slas.taken.iter().cloned().collect(),
        })
    }
}
