//! Attachments: the metadata of files attached to cases and contacts (the
//! bytes stay with the host), and every attachment of a customer across
//! their cases and interactions.

use super::clean::clean_line;
use super::targets::Loaded;
use super::{Casebook, Ref};
use crate::actor::Actor;
use crate::error::{Entity, Error, FieldError, FieldErrorCode, Result};
use crate::model::{Attachment, AttachmentInput, AuditEntry, Target};
use crate::store::{Store, StoreExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

/// Most attachments one case or contact holds.
const MAX_ATTACHMENTS: usize = 1_000;
/// Most contacts of a profile whose attachments are listed.
const MAX_LISTED_CONTACTS: usize = 10_000;

/// An attachment with the record it is attached to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttachedFile {
    /// The case (by number) or contact (by id) it is attached to.
    pub on: Target,
    /// The attachment.
    pub attachment: Attachment,
}

impl<S: Store> Casebook<S> {
    /// Attaches a file's metadata to a case or a contact, audited. The
    /// SHA-256 must be 64 hex digits, the media type `type/subtype`.
    ///
    /// ```
    /// use casebook::{Actor, AttachmentInput, CaseInput, Casebook, Target};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent-7");
    /// let case = cb.create_case(&agent, CaseInput { short_description: "Broken screen".into(), ..Default::default() })?;
    /// let photo = AttachmentInput {
    ///     file_name: "screen.jpg".into(), media_type: "image/jpeg".into(), size: 48_213,
    ///     sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    ///     uri: "s3://evidence/screen.jpg".into(),
    /// };
    /// let attached = cb.add_attachment(&agent, &Target::Case(case.number.clone()), photo)?;
    /// assert_eq!(cb.case(case.id)?.attachments, [attached]);
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn add_attachment(
        &self,
        actor: &Actor,
        on: &Target,
        input: AttachmentInput,
    ) -> Result<Attachment> {
        let by = actor.check()?;
        if matches!(on, Target::Profile(_)) {
            return Err(Error::InvalidInput(
                "files are attached to a case or a contact; a profile lists them all".into(),
            ));
        }
        let input = clean_attachment(&input)?;
        let now = self.now();
        self.write(|tx, ids| {
            let mut loaded = self.load_target(&*tx, on)?;
            let attachment = Attachment {
                id: ids.next(),
                file_name: input.file_name.clone(),
                media_type: input.media_type.clone(),
                size: input.size,
                sha256: input.sha256.clone(),
                uri: input.uri.clone(),
                uploaded_by: by.to_string(),
                uploaded_at: now,
            };
            let list = loaded
                .attachments_mut()
                .ok_or_else(|| Error::Internal("a profile holds no attachments".into()))?;
            if list.len() >= MAX_ATTACHMENTS {
                return Err(Error::InvalidState(format!(
                    "a record holds at most {MAX_ATTACHMENTS} attachments"
                )));
            }
            list.push(attachment.clone());
            let subject = loaded.id();
            let on = loaded.target();
            self.save_target(tx, loaded, by, now)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "attachment_added".into(),
                subjects: vec![subject],
                details: json!({"attachment": attachment.id, "file_name": attachment.file_name,
                                "sha256": attachment.sha256, "on": on}),
            })?;
            Ok(attachment)
        })
    }

    /// Removes an attachment from its case or contact, audited (the host
    /// deletes the bytes). [`Error::NotFound`] if it is not there.
    pub fn remove_attachment(&self, actor: &Actor, on: &Target, attachment: Uuid) -> Result<()> {
        let by = actor.check()?;
        let now = self.now();
        self.write(|tx, ids| {
            let mut loaded = self.load_target(&*tx, on)?;
            let list = loaded
                .attachments_mut()
                .ok_or_else(|| Error::not_found(Entity::Attachment, attachment.to_string()))?;
            let at = list
                .iter()
                .position(|a| a.id == attachment)
                .ok_or_else(|| Error::not_found(Entity::Attachment, attachment.to_string()))?;
            let removed = list.remove(at);
            let subject = loaded.id();
            let on = loaded.target();
            self.save_target(tx, loaded, by, now)?;
            tx.append_audit(&AuditEntry {
                id: ids.next(),
                at: now,
                actor: by.to_string(),
                action: "attachment_removed".into(),
                subjects: vec![subject],
                details: json!({"attachment": removed.id, "file_name": removed.file_name,
                                "sha256": removed.sha256, "uri": removed.uri, "on": on}),
            })?;
            Ok(())
        })
    }

    /// Every attachment of a customer, across their cases and interactions,
    /// newest first.
    pub fn profile_attachments<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
    ) -> Result<Vec<AttachedFile>> {
        let profile = profile.into();
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, profile)?;
            let mut out = Vec::new();
            for (_, case) in tx.linked_cases(p.id)? {
                let on = Loaded::Case(Arc::unwrap_or_clone(case));
                let target = on.target();
                if let Loaded::Case(case) = on {
                    out.extend(case.attachments.into_iter().map(|attachment| AttachedFile {
                        on: target.clone(),
                        attachment,
                    }));
                }
            }
            for contact in tx.contacts_of_profile(p.id, None, None, MAX_LISTED_CONTACTS)? {
                let on = Target::Contact(contact.id.to_string());
                out.extend(
                    contact
                        .attachments
                        .into_iter()
                        .map(|attachment| AttachedFile {
                            on: on.clone(),
                            attachment,
                        }),
                );
            }
            out.sort_by(|a, b| {
                b.attachment
                    .uploaded_at
                    .cmp(&a.attachment.uploaded_at)
                    .then(b.attachment.id.cmp(&a.attachment.id))
            });
            Ok(out)
        })
    }
}

fn clean_attachment(input: &AttachmentInput) -> Result<AttachmentInput> {
    let mut errors = Vec::new();
    let file_name = clean_line(&input.file_name, "file_name", "File name", 255, &mut errors);
    let media_type = clean_line(
        &input.media_type,
        "media_type",
        "Media type",
        255,
        &mut errors,
    )
    .to_ascii_lowercase();
    let sha256 = input.sha256.trim().to_ascii_lowercase();
    let uri = clean_line(&input.uri, "uri", "Storage URI", 2_000, &mut errors);
    if file_name.is_empty() {
        errors.push(FieldError::new(
            "file_name",
            FieldErrorCode::Required,
            "Name the file",
        ));
    }
    let valid_type = media_type.split_once('/').is_some_and(|(kind, sub)| {
        let token = |t: &str| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
        };
        token(kind) && token(sub.split(';').next().unwrap_or_default().trim())
    });
    if !valid_type {
        errors.push(FieldError::new(
            "media_type",
            FieldErrorCode::InvalidFormat,
            "A media type is written type/subtype, e.g. application/pdf",
        ));
    }
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        errors.push(FieldError::new(
            "sha256",
            FieldErrorCode::InvalidFormat,
            "A SHA-256 is 64 hexadecimal digits",
        ));
    }
    if uri.is_empty() || uri.contains(char::is_whitespace) {
        errors.push(FieldError::new(
            "uri",
            FieldErrorCode::InvalidFormat,
            "Give where the host keeps the file, without spaces",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::validation(errors));
    }
    Ok(AttachmentInput {
        file_name,
        media_type,
        size: input.size,
        sha256,
        uri,
    })
}
