//! External records (a CRM's contacts, leads, accounts, cases) linked to
//! profiles, cases and interactions; records created in another system
//! from an interaction; and the ordered list of requests the host carries
//! out there (creations, and the details of wrapped-up interactions).

use super::clean::clean_line;
use super::targets::Loaded;
use super::Casebook;
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{
    AuditEntry, Contact, ExternalLink, ExternalRef, HostRequest, HostRequestKind,
    HostRequestStatus, LinkStatus, Target,
};
use crate::store::{ReadTx, Store, StoreExt, WriteTx};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

/// Counts host requests: the last one's sequence number.
const REQUEST_SEQUENCE: &str = "host_requests";
const REQUEST_BLOB: &str = "host_request";
/// A wrapped-up interaction's details asked for one record, once.
const PASSED_BLOB: &str = "details_passed";
/// An interaction that was wrapped up.
const WRAPPED_BLOB: &str = "wrapped_up";
const NAMESPACE: Uuid = Uuid::from_u128(0x2b7e_51a0_c3d4_4f1e_9a6b_0d8c_e5f4_a7b2);
/// Most requests one listing returns.
const MAX_REQUESTS: usize = 1_000;
/// Most external records one target holds.
const MAX_LINKS: usize = 500;

fn blob_id(key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

fn request_id(seq: u64) -> Uuid {
    blob_id(&format!("request:{seq}"))
}

impl<S: Store> Casebook<S> {
    /// Links a record of another system to a profile, a case or an
    /// interaction. Linking the same record (system, type and id) to the
    /// same target again refreshes its name, URL and synchronisation time
    /// instead of adding it twice. An interaction already wrapped up asks
    /// the host at once to pass its details to the record.
    ///
    /// ```
    /// use casebook::{Actor, Casebook, CreateOptions, ExternalRef, ProfileInput, Target};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let ada = cb.create_profile(&agent, ProfileInput { family_name: "Lovelace".into(), ..Default::default() }, CreateOptions::default())?;
    /// let crm = ExternalRef {
    ///     system: "salesforce".into(), record_type: "contact".into(), external_id: "003A000001".into(),
    ///     display_name: Some("Ada Lovelace".into()), url: None, synced_at: None,
    /// };
    /// cb.link_external_record(&agent, &Target::Profile(ada.customer_id.clone()), crm.clone())?;
    /// cb.link_external_record(&agent, &Target::Profile(ada.customer_id.clone()), crm)?;
    /// assert_eq!(cb.profile(&ada.customer_id)?.external_records.len(), 1);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn link_external_record(
        &self,
        actor: &Actor,
        target: &Target,
        record: ExternalRef,
    ) -> Result<ExternalLink> {
        let by = actor.check()?;
        let record = clean_ref(&record, true)?;
        let now = self.now();
        self.store.write_with(|tx| {
            let mut loaded = self.load_target(&*tx, target)?;
            let link = ExternalLink {
                reference: record.clone(),
                status: LinkStatus::Linked,
                request: None,
                error: None,
                linked_at: now,
                linked_by: by.to_string(),
            };
            let links = loaded.links_mut();
            match links
                .iter_mut()
                .find(|l| l.status == LinkStatus::Linked && l.reference.same_record(&record))
            {
                Some(existing) => {
                    existing.reference = record.clone();
                }
                None => {
                    if links.len() >= MAX_LINKS {
                        return Err(Error::InvalidState(format!(
                            "a record holds at most {MAX_LINKS} external records"
                        )));
                    }
                    links.push(link.clone());
                }
            }
            let saved = self.save_target(tx, loaded, by, now)?;
            if let Loaded::Contact(contact) = &saved {
                if tx.blob(WRAPPED_BLOB, contact.id)?.is_some() {
                    self.ask_to_pass_details(tx, by, contact, &record, now)?;
                }
            }
            Ok(link)
        })
    }

    /// Unlinks a record of another system from a target (the record itself,
    /// in the other system, is not touched). [`Error::NotFound`] if it was
    /// not linked.
    pub fn unlink_external_record(
        &self,
        actor: &Actor,
        target: &Target,
        system: &str,
        record_type: &str,
        external_id: &str,
    ) -> Result<()> {
        let by = actor.check()?;
        let now = self.now();
        self.store.write_with(|tx| {
            let mut loaded = self.load_target(&*tx, target)?;
            let links = loaded.links_mut();
            let before = links.len();
            links.retain(|l| {
                !(l.reference.system == system.trim()
                    && l.reference.record_type == record_type.trim()
                    && l.reference.external_id == external_id.trim()
                    && l.status == LinkStatus::Linked)
            });
            if links.len() == before {
                return Err(Error::not_found(
                    Entity::ExternalRecord,
                    format!("{system} {record_type} {external_id}"),
                ));
            }
            self.save_target(tx, loaded, by, now)?;
            Ok(())
        })
    }

    /// The external records linked to a target, in the order linked.
    pub fn external_records(&self, target: &Target) -> Result<Vec<ExternalLink>> {
        self.store
            .read_with(|tx| Ok(self.load_target(tx, target)?.links().clone()))
    }

    /// Asks the host to create a record in another system from a target (a
    /// lead from the caller's interaction, a contact from a profile): the
    /// target shows it as pending, and the host finds a `create_record`
    /// request with the details to write in [`Casebook::host_requests`].
    /// Once the host confirms it with the record's id
    /// ([`Casebook::complete_host_request`]) the record is linked; a failure
    /// it reports ([`Casebook::fail_host_request`]) stays on the target.
    pub fn request_external_record(
        &self,
        actor: &Actor,
        target: &Target,
        system: &str,
        record_type: &str,
    ) -> Result<HostRequest> {
        let by = actor.check()?;
        let record = clean_ref(
            &ExternalRef {
                system: system.into(),
                record_type: record_type.into(),
                external_id: String::new(),
                display_name: None,
                url: None,
                synced_at: None,
            },
            false,
        )?;
        let now = self.now();
        self.store.write_with(|tx| {
            let mut loaded = self.load_target(&*tx, target)?;
            let fields = self.details_of(&*tx, &loaded)?;
            let request = self.enqueue(
                tx,
                HostRequestKind::CreateRecord,
                record.clone(),
                loaded.target(),
                fields,
                by,
                now,
            )?;
            loaded.links_mut().push(ExternalLink {
                reference: record.clone(),
                status: LinkStatus::Pending,
                request: Some(request.seq),
                error: None,
                linked_at: now,
                linked_by: by.to_string(),
            });
            self.save_target(tx, loaded, by, now)?;
            Ok(request)
        })
    }

    /// Ends an interaction (at `ended_at`, or now; an interaction that has
    /// an end keeps it) and asks the host to pass its details to each
    /// external record linked to it: once per interaction and record, however
    /// often it is wrapped up.
    pub fn wrap_up_contact(
        &self,
        actor: &Actor,
        contact: &str,
        ended_at: Option<Timestamp>,
    ) -> Result<Contact> {
        let by = actor.check()?;
        let now = self.now();
        self.store.write_with(|tx| {
            let mut c = self.resolve_contact(&*tx, contact.into())?;
            let end = match (ended_at, c.ended_at) {
                (Some(at), _) => at,
                (None, Some(kept)) => kept,
                (None, None) => now.max(c.started_at),
            };
            if end < c.started_at {
                return Err(Error::validation(vec![FieldError::new(
                    "ended_at",
                    FieldErrorCode::OutOfRange,
                    "A contact cannot end before it starts",
                )]));
            }
            c.ended_at = Some(end);
            tx.put_contact(&c)?;
            tx.put_blob(WRAPPED_BLOB, c.id, &json!({ "at": end, "by": by }))?;
            for link in c
                .external_records
                .iter()
                .filter(|l| l.status == LinkStatus::Linked)
            {
                self.ask_to_pass_details(tx, by, &c, &link.reference, now)?;
            }
            Ok(c)
        })
    }

    /// Host requests after sequence number `after` (0: from the first), in
    /// order, at most `limit`: the host keeps the last `seq` it handled as
    /// its cursor, so a host that crashes resumes where it stopped.
    pub fn host_requests(&self, after: u64, limit: usize) -> Result<Vec<HostRequest>> {
        let limit = limit.clamp(1, MAX_REQUESTS) as u64;
        self.store.read_with(|tx| {
            let last = tx.sequence(REQUEST_SEQUENCE)?;
            let mut out = Vec::new();
            let mut seq = after;
            while seq < last && (out.len() as u64) < limit {
                seq += 1;
                out.push(self.request_in(tx, seq)?);
            }
            Ok(out)
        })
    }

    /// Records that the host carried a request out. A creation needs the
    /// new record's `external_id` (and may give its name and URL): the
    /// pending record becomes a linked one. Completing a request again with
    /// the same id changes nothing; with another, or a failed or unknown
    /// request, it is refused.
    pub fn complete_host_request(
        &self,
        actor: &Actor,
        seq: u64,
        created: Option<ExternalRef>,
    ) -> Result<HostRequest> {
        let by = actor.check()?;
        let now = self.now();
        self.store.write_with(|tx| {
            let mut request = self.request_in(&*tx, seq)?;
            if request.kind == HostRequestKind::PassDetails {
                request.status = HostRequestStatus::Done;
                request.updated_at = now;
                self.put_request(tx, &request)?;
                return Ok(request);
            }
            let Some(created) = created.as_ref() else {
                return Err(Error::InvalidInput(format!(
                    "request {seq} creates a record: give its external id"
                )));
            };
            let mut record = clean_ref(created, true)?;
            if record.system != request.reference.system
                || record.record_type != request.reference.record_type
            {
                return Err(Error::InvalidInput(format!(
                    "request {seq} creates a {} {}, not a {} {}",
                    request.reference.system,
                    request.reference.record_type,
                    record.system,
                    record.record_type
                )));
            }
            match request.status {
                HostRequestStatus::Done if request.reference.same_record(&record) => {
                    return Ok(request)
                }
                HostRequestStatus::Done => {
                    return Err(Error::InvalidState(format!(
                        "request {seq} was completed with {}",
                        request.reference.external_id
                    )))
                }
                _ => {}
            }
            let mut loaded = self.load_target(&*tx, &request.target)?;
            record.synced_at = record.synced_at.or(Some(now));
            let linked = ExternalLink {
                reference: record.clone(),
                status: LinkStatus::Linked,
                request: None,
                error: None,
                linked_at: now,
                linked_by: by.to_string(),
            };
            let links = loaded.links_mut();
            let already = links
                .iter()
                .any(|l| l.status == LinkStatus::Linked && l.reference.same_record(&record));
            let pending = links.iter().position(|l| l.request == Some(seq));
            match (already, pending) {
                // Linked by hand meanwhile: the pending entry goes.
                (true, Some(at)) => {
                    links.remove(at);
                }
                (true, None) => {}
                (false, Some(at)) => links[at] = linked,
                // Unlinked meanwhile: the created record is linked anew.
                (false, None) => links.push(linked),
            }
            self.save_target(tx, loaded, by, now)?;
            request.status = HostRequestStatus::Done;
            request.reference = record.clone();
            request.error = None;
            request.updated_at = now;
            self.put_request(tx, &request)?;
            Ok(request)
        })
    }

    /// Records that the host could not carry a request out: the request
    /// and, for a creation, the pending record on its target show the
    /// error. A failed request may still be completed later.
    pub fn fail_host_request(&self, actor: &Actor, seq: u64, error: &str) -> Result<HostRequest> {
        let by = actor.check()?;
        let mut errors = Vec::new();
        let error = clean_line(error, "error", "Error", 1_000, &mut errors);
        if error.is_empty() {
            return Err(Error::InvalidInput("say why the request failed".into()));
        }
        let now = self.now();
        self.write(|tx, ids| {
            let mut request = self.request_in(&*tx, seq)?;
            if request.status == HostRequestStatus::Done {
                return Err(Error::InvalidState(format!("request {seq} was completed")));
            }
            if request.kind == HostRequestKind::CreateRecord {
                let mut loaded = self.load_target(&*tx, &request.target)?;
                for link in loaded
                    .links_mut()
                    .iter_mut()
                    .filter(|l| l.request == Some(seq))
                {
                    link.status = LinkStatus::Failed;
                    link.error = Some(error.clone());
                }
                self.save_target(tx, loaded, by, now)?;
            }
            request.status = HostRequestStatus::Failed;
            request.error = Some(error.clone());
            request.updated_at = now;
            self.put_request(tx, &request)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "host_request_failed".into(),
                subjects: Vec::new(),
                details: json!({ "seq": seq, "error": error }),
            })?;
            Ok(request)
        })
    }

    /// Asks the host, once, to pass a wrapped-up interaction's details to a record.
    fn ask_to_pass_details(
        &self,
        tx: &mut dyn WriteTx,
        by: &str,
        contact: &Contact,
        record: &ExternalRef,
        now: Timestamp,
    ) -> Result<()> {
        let once = blob_id(&format!(
            "{}|{}|{}|{}",
            contact.id, record.system, record.record_type, record.external_id
        ));
        if tx.blob(PASSED_BLOB, once)?.is_some() {
            return Ok(());
        }
        let loaded = Loaded::Contact(contact.clone());
        let fields = self.details_of(&*tx, &loaded)?;
        let request = self.enqueue(
            tx,
            HostRequestKind::PassDetails,
            record.clone(),
            loaded.target(),
            fields,
            by,
            now,
        )?;
        tx.put_blob(PASSED_BLOB, once, &json!({ "seq": request.seq }))
    }

    #[allow(clippy::too_many_arguments)]
    fn enqueue(
        &self,
        tx: &mut dyn WriteTx,
        kind: HostRequestKind,
        record: ExternalRef,
        target: Target,
        fields: serde_json::Value,
        by: &str,
        now: Timestamp,
    ) -> Result<HostRequest> {
        let seq = tx.next_sequence(REQUEST_SEQUENCE)?;
        let request = HostRequest {
            seq,
            kind,
            status: HostRequestStatus::Pending,
            reference: record,
            target,
            fields,
            error: None,
            created_at: now,
            created_by: by.to_string(),
            updated_at: now,
        };
        self.put_request(tx, &request)?;
        Ok(request)
    }

    fn put_request(&self, tx: &mut dyn WriteTx, request: &HostRequest) -> Result<()> {
        tx.put_blob(
            REQUEST_BLOB,
            request_id(request.seq),
            &serde_json::to_value(request)?,
        )
    }

    fn request_in(&self, tx: &dyn ReadTx, seq: u64) -> Result<HostRequest> {
        let stored = tx
            .blob(REQUEST_BLOB, request_id(seq))?
            .ok_or_else(|| Error::not_found(Entity::HostRequest, seq.to_string()))?;
        Ok(serde_json::from_value(stored)?)
    }
}

/// A reference cleaned: names trimmed and bounded, an id required when
/// `with_id` (a record that exists), a URL without spaces.
pub(super) fn clean_ref(record: &ExternalRef, with_id: bool) -> Result<ExternalRef> {
    let mut errors = Vec::new();
    let system = clean_line(&record.system, "system", "System", 100, &mut errors);
    let record_type = clean_line(
        &record.record_type,
        "record_type",
        "Record type",
        100,
        &mut errors,
    );
    let external_id = clean_line(
        &record.external_id,
        "external_id",
        "External id",
        200,
        &mut errors,
    );
    for (value, field, what) in [
        (&system, "system", "the system (e.g. salesforce)"),
        (
            &record_type,
            "record_type",
            "the record type (e.g. contact)",
        ),
    ] {
        if value.is_empty() {
            errors.push(FieldError::new(
                field,
                FieldErrorCode::Required,
                format!("Name {what}"),
            ));
        }
    }
    if with_id && external_id.is_empty() {
        errors.push(FieldError::new(
            "external_id",
            FieldErrorCode::Required,
            "Give the record's id in its system",
        ));
    }
    let display_name = record
        .display_name
        .as_deref()
        .map(|n| clean_line(n, "display_name", "Display name", 200, &mut errors))
        .filter(|n| !n.is_empty());
    let url = record
        .url
        .as_deref()
        .map(|u| clean_line(u, "url", "URL", 2_000, &mut errors))
        .filter(|u| !u.is_empty());
    if url
        .as_deref()
        .is_some_and(|u| u.contains(char::is_whitespace))
    {
        errors.push(FieldError::new(
            "url",
            FieldErrorCode::InvalidFormat,
            "A URL has no spaces",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors));
    }
    Ok(ExternalRef {
        system,
        record_type,
        external_id,
        display_name,
        url,
        synced_at: record.synced_at,
    })
}
