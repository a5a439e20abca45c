// The records of the casebook API, generated from the core's JSON Schemas
// (bindings-wasm/tests/declarations); do not edit.

/** A UUID, as hyphenated lower-case text. */
export type Uuid = string;

/** Any JSON value. */
export type Value = any;

/**
 * How a support group gives its new and waiting cases to its agents.
 *
 * - `round_robin`: The agent who has waited longest since their last assignment.
 * - `least_loaded`: The agent with the most spare capacity (ties: the longest idle).
 */
export type AssignmentStrategy = "round_robin" | "least_loaded";

/** An attachment with the record it is attached to. */
export interface AttachedFile {
    /** The case (by number) or contact (by id) it is attached to. */
    on: Target;
    /** The attachment. */
    attachment: Attachment;
}

/**
 * A file attached to a case or a contact: its metadata only (the bytes
 * stay in the host's storage).
 */
export interface Attachment {
    /** Id. */
    id: Uuid;
    /** File name. */
    fileName: string;
    /** Media type (`application/pdf`). */
    mediaType: string;
    /** Size in bytes. */
    size: number;
    /** SHA-256 of the bytes, 64 lower-case hex digits. */
    sha256: string;
    /** Where the host keeps the bytes (`s3://...`, `https://...`). */
    uri: string;
    /** Who uploaded it. */
    uploadedBy: string;
    /** When. */
    uploadedAt: Timestamp;
}

/** A file to attach. */
export interface AttachmentInput {
    /** File name. */
    fileName: string;
    /** Media type. */
    mediaType: string;
    /** Size in bytes. */
    size: number;
    /** SHA-256 of the bytes, in hex. */
    sha256: string;
    /** Where the host keeps the bytes. */
    uri: string;
}

/** A file attached to an inbound message, as metadata. */
export interface AttachmentMeta {
    /** File name. */
    name: string;
    /** Media type (`application/pdf`). */
    contentType?: string;
    /** Size in bytes. */
    size?: number;
}

/** An entry in the audit log. */
export interface AuditEntry {
    /** Entry id. */
    id: Uuid;
    /** When. */
    at: Timestamp;
    /** Who. */
    actor: string;
    /** What (`merge`, `unmerge`, ...). */
    action: string;
    /** Records concerned. */
    subjects: Uuid[];
    /** Details. */
    details: Value;
}

/** The word `breach`. */
export type BreachWord = "breach";

/** Which calendar a business-time service level counts in. */
export type CalendarChoice =
    /** Always this calendar (its id). */
    | string
    /** The calendar named by a case field, or `default` when the field is empty. */
    | {
        /** Case attribute or custom field holding a calendar id. */
        field: string;
        /** Calendar when the field is empty or names no loaded calendar. */
        default: string;
    };

/** The JSON shape of a business calendar, as an administrator writes it. */
export interface CalendarDef {
    /** Calendar id: 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`. */
    id: string;
    /** Display name. */
    name: string;
    /** IANA time zone the windows are read in, e.g. `Europe/London`. */
    timeZone: string;
    /** Open around the clock (then `week` stays empty); holidays still close whole local days. */
    alwaysOpen?: boolean;
    /** Dates worked with their own windows (over a holiday or a day off). */
    extraDays?: ExtraDay[];
    /** Closed days. */
    holidays?: Holiday[];
    /** Version; leave it out when loading (the engine assigns it). */
    version?: number;
    /** The working windows of each weekday. */
    week?: DayWindows;
}

/** The calendar (id and version) something was measured with. */
export interface CalendarRef {
    /** Calendar id. */
    id: string;
    /** Calendar version (0 for a calendar not stored yet). */
    version: number;
}

/** Cases and contacts of one campaign. */
export interface CampaignCount {
    /** The campaign (`null`: none). */
    campaign: string | null;
    /** Cases of the campaign. */
    cases: number;
    /** Contacts of the campaign. */
    contacts: number;
}

/** One external record on a customer card. */
export interface CardRecord {
    /** Where it comes from. */
    source: CardSource;
    /** The record it is linked to: the contact id, customer ID or case number. */
    via: string;
    /** The linked record. */
    link: ExternalLink;
    /** For a household record: what that customer is to the caller. */
    relationship?: string;
}

/**
 * Where a record on a customer card comes from.
 *
 * - `interaction`: Linked to the interaction itself.
 * - `customer`: Linked to the recognised customer.
 * - `household`: Linked to a customer related to them.
 * - `case`: Linked to one of the customer's cases (or the interaction's).
 */
export type CardSource = "interaction" | "customer" | "household" | "case";

/** A case. */
export interface Case {
    /** Internal id. */
    id: Uuid;
    /** Human case number (`CS0001001`), unique. */
    number: string;
    /** Optimistic-concurrency version. */
    version: number;
    /** Custom fields. */
    fields: Record<string, Value>;
    /** Status. */
    status: CaseStatus;
    /** Impact. */
    impact: Level;
    /** Urgency. */
    urgency: Level;
    /**
     * Priority: the override when there is one, otherwise from impact
     * and urgency.
     */
    priority: Priority;
    /** One-line summary. */
    shortDescription: string;
    /** Full description. */
    description: string;
    /** Work notes, comments and status changes, oldest first. */
    timeline: TimelineEntry[];
    /** Users kept informed. */
    informedUsers: string[];
    /** Creation time. */
    createdAt: Timestamp;
    /** Creator. */
    createdBy: string;
    /** Last change. */
    updatedAt: Timestamp;
    /** Last editor. */
    updatedBy: string;
    /** Asset (device, contract, ...). */
    asset?: string;
    /** Assigned agent. */
    assignee?: string;
    /** Files attached to it (metadata; the bytes stay with the host). */
    attachments?: Attachment[];
    /** The campaign it came from. */
    campaign?: string;
    /** Category. */
    category?: string;
    /** Channel the case came in on. */
    channel?: Channel;
    /** The case this one was merged into, as its duplicate. */
    duplicateOf?: Uuid;
    /** Records in other systems linked to it (a CRM's case, an incident elsewhere). */
    externalRecords?: ExternalLink[];
    /** Satisfaction feedback, one per customer, oldest first. */
    feedback?: Feedback[];
    /** The closed case this one follows up (a customer wrote again after it closed). */
    followUpOf?: Uuid;
    /**
     * Every change of the case's attributes, oldest first (what service
     * levels are derived from).
     */
    history?: CaseChange[];
    /** Parent case. */
    parent?: Uuid;
    /** The priority set by hand or by a routing rule, overriding the matrix. */
    priorityOverride?: Priority;
    /** Product. */
    product?: string;
    /** Other records it relates to (incidents, problems, changes, requests, knowledge). */
    related?: RelatedRecord[];
    /** Resolution, while resolved or closed. */
    resolution?: Resolution;
    /** The routing rule that chose its support group when it was opened. */
    routedBy?: RoutedBy;
    /** Support group. */
    supportGroup?: string;
    /** Tasks and follow-ups, in the order they were added. */
    tasks?: CaseTask[];
    /** Template the custom fields were validated against. */
    template?: TemplateRef;
}

/**
 * One change of a case's attributes: the attributes that changed, with
 * their new values (`null` when cleared). The first change of a case holds
 * every attribute it was created with.
 *
 * Keys are the case's own attribute names (`status`, `priority`,
 * `impact`, `urgency`, `category`, `product`, `asset`, `support_group`,
 * `assignee`, `channel`, `template`) and its custom field keys, which a
 * case template may not name like an attribute.
 */
export interface CaseChange {
    /** When. */
    at: Timestamp;
    /** Who. */
    by: string;
    /** The attributes that changed, with their new values. */
    changed: Record<string, Value>;
}

/** How parent and child cases move together (configuration). */
export interface CaseHierarchy {
    /**
     * A child case cannot be resolved, closed or cancelled while its
     * parent is open.
     */
    childrenWaitForParent?: boolean;
    /** Resolving a parent resolves its open children with it. */
    resolveChildrenWithParent?: boolean;
}

/** Editable part of a case, for creation and (whole) replacement. */
export interface CaseInput {
    /** Asset. */
    asset?: string;
    /** Assignee. */
    assignee?: string;
    /** The campaign it came from. */
    campaign?: string;
    /** Category. */
    category?: string;
    /** Channel. */
    channel?: Channel;
    /** Full description. */
    description?: string;
    /** Custom field values. */
    fields?: Record<string, Value>;
    /** Impact (default low). */
    impact?: Level;
    /** Users kept informed. */
    informedUsers?: string[];
    /** Creation only: profiles to link, each by id or customer ID, with a role. */
    links?: LinkInput[];
    /** Parent case: its id or case number. */
    parent?: string;
    /**
     * Priority set by hand (1 to 5), overriding the impact × urgency
     * matrix; absent: the matrix decides (or a routing rule, on creation).
     */
    priority?: Priority;
    /** Product. */
    product?: string;
    /** One-line summary (required). */
    shortDescription?: string;
    /** Support group. */
    supportGroup?: string;
    /** Template id. */
    template?: string;
    /** Explicit template version. */
    templateVersion?: number;
    /** Urgency (default low). */
    urgency?: Level;
}

/** A link between a case and a profile. */
export interface CaseLink {
    /** Case. */
    caseId: Uuid;
    /** Profile. */
    profileId: Uuid;
    /** Role. */
    role: LinkRole;
    /** When linked. */
    linkedAt: Timestamp;
    /** Who linked. */
    linkedBy: string;
}

/** What a case merge did (`Casebook::merge_cases`). */
export interface CaseMergeOutcome {
    /** Merge id (to undo it). */
    mergeId: Uuid;
    /** The survivor. */
    survivor: Case;
    /** The closed duplicate. */
    duplicate: Case;
}

/** Which case survives and which folds into it. */
export interface CaseMergePlan {
    /** The case that stays: its id or number. */
    survivor: string;
    /** The duplicate, closed into it: its id or number. */
    duplicate: string;
}

/** What a case merge would do (`Casebook::case_merge_preview`). */
export interface CaseMergePreview {
    /** The survivor as it would be. */
    survivor: Case;
    /** The duplicate as it would be (closed, pointing to the survivor). */
    duplicate: Case;
    /** Timeline entries moving. */
    timelineMoved: number;
    /** Profiles newly linked to the survivor (a profile linked to both stays linked once). */
    linksMoved: number;
    /** Contacts moving. */
    contactsMoved: number;
    /** Related records, attachments, tasks and external records moving. */
    recordsMoved: number;
    /** Child cases of the duplicate that become the survivor's children. */
    childrenMoved: number;
}

/** What `Casebook::notify_case` did. */
export interface CaseNotification {
    /** The case number. */
    case: string;
    /** The template id. */
    template: string;
    /** The template version used. */
    version: number;
    /** The channel of the messages. */
    channel: Channel;
    /** One entry per message, in the order of the case's links (by role). */
    sent: NotifiedProfile[];
    /** The linked profiles left out: nothing reaches them on the channel. */
    unreached: UnreachedProfile[];
}

/** A case's relations (`Casebook::case_relations`). */
export interface CaseRelations {
    /**
     * Its related records grouped by kind, in the order of the kinds
     * (incident, problem, change, request, knowledge).
     */
    related: RelatedGroup[];
    /** Its child cases, in the order attached. */
    children?: CaseSummary[];
    /** The closed case it follows up. */
    followUpOf?: CaseSummary;
    /** Its parent case. */
    parent?: CaseSummary;
}

/** The case a rule opens: the template and the fields it fills. */
export interface CaseSpec {
    /** Assignee. */
    assignee?: string;
    /** Category. */
    category?: string;
    /** Custom field values (a web form's own values take precedence). */
    fields?: Record<string, Value>;
    /** Impact. */
    impact?: Level;
    /** Product. */
    product?: string;
    /** Support group. */
    supportGroup?: string;
    /** Case template (its latest version). */
    template?: string;
    /** Urgency. */
    urgency?: Level;
}

/**
 * Status of a case.
 *
 * - `new`: Just opened.
 * - `in_progress`: Being worked on.
 * - `awaiting_customer`: Waiting for the customer.
 * - `resolved`: Solved; can be reopened or closed.
 * - `closed`: Final.
 * - `cancelled`: Withdrawn; final.
 */
export type CaseStatus = "new" | "in_progress" | "awaiting_customer" | "resolved" | "closed" | "cancelled";

/** A short view of a case for lists. */
export interface CaseSummary {
    /** Internal id. */
    id: Uuid;
    /** Case number. */
    number: string;
    /** One-line summary. */
    shortDescription: string;
    /** Status. */
    status: CaseStatus;
    /** Priority. */
    priority: Priority;
    /** Creation time. */
    createdAt: Timestamp;
    /** Last change. */
    updatedAt: Timestamp;
    /** Assignee. */
    assignee?: string;
    /** Its service levels, where a screen pop shows them (open cases). */
    slas?: SlaClock[];
    /** Support group. */
    supportGroup?: string;
}

/** A task of a case. */
export interface CaseTask {
    /** Task id. */
    id: Uuid;
    /** Optimistic-concurrency version of the task (1 when added). */
    version: number;
    /** Task or follow-up. */
    kind: TaskKind;
    /** What to do. */
    title: string;
    /** Whether the case may not be resolved while it is open. */
    mandatory: boolean;
    /** Status. */
    status: TaskStatus;
    /** Who added it. */
    createdBy: string;
    /** When. */
    createdAt: Timestamp;
    /** Who last changed it. */
    updatedBy: string;
    /** When. */
    updatedAt: Timestamp;
    /** The agent who does it. */
    assignee?: string;
    /** A follow-up's channel (how to reach the customer). */
    channel?: Channel;
    /** When it was done or cancelled (cleared when reopened). */
    closedAt?: Timestamp;
    /** When it is due. */
    dueAt?: Timestamp;
    /** The group that does it (its queue lists it while nobody is assigned). */
    supportGroup?: string;
}

/**
 * Channel of a case or contact.
 *
 * - `voice`: Phone call.
 * - `email`: E-mail.
 * - `chat`: Web or in-app chat.
 * - `sms`: Text message.
 * - `social`: Social network or messaging app.
 * - `web`: Web form or portal.
 */
export type Channel = "voice" | "email" | "chat" | "sms" | "social" | "web";

/** Contacts on one channel. */
export interface ChannelCount {
    /** The channel. */
    channel: Channel;
    /** Contacts on it, both directions. */
    contacts: number;
    /** Those that reached the customer. */
    successful: number;
}

/** One option of a choice field. */
export interface ChoiceOption {
    /** Stable key stored in records. */
    key: string;
    /** Label shown to users. */
    label: string;
}

/** A calendar date, `YYYY-MM-DD`. */
export type CivilDate = string;

/**
 * What one rule saw when it compared a pair.
 *
 * - `agree`: The field agrees in full (equal, or similar at the rule's threshold).
 * - `partial`: It agrees in part: one keystroke apart, one name part missing, the same given name with another surname.
 * - `disagree`: Both profiles have the field and it clearly differs.
 */
export type ComparisonLevel = "agree" | "partial" | "disagree";

/** "Required only when another field has a given value". */
export interface Condition {
    /** The other field's key. */
    field: string;
    /** The value that makes this field required (for a multiple choice: one of its selected keys). */
    equals: Value;
}

/** Engine configuration. Every field has a sensible default. */
export interface Config {
    /** Case number format (default `CS0001001`). */
    caseNumberFormat?: IdFormat;
    /** Whether a contact may be associated with several cases (default: one). */
    contactMultipleCases?: boolean;
    /** Customer ID format (default `C-000001`). */
    customerIdFormat?: IdFormat;
    /** Region (ISO 3166 alpha-2, e.g. `GB`) for phone numbers written without `+`. */
    defaultRegion?: string;
    /** Per-domain e-mail matching rules (see `EmailDomainRule::defaults`). */
    emailDomainRules?: EmailDomainRule[];
    /** The scale satisfaction feedback is scored on. */
    feedbackScale?: FeedbackScale;
    /** How parent and child cases move together. */
    hierarchy?: CaseHierarchy;
    /** Duplicate-detection rules and thresholds. */
    matching?: MatchingConfig;
    /** Numbers one country writes two ways (see `PhoneEquivalence::defaults`). */
    phoneEquivalences?: PhoneEquivalence[];
    /** Priority from impact and urgency. */
    priorityMatrix?: PriorityMatrix;
    /** How many recent contacts recognition returns with a known caller. */
    recognitionRecentContacts?: number;
}

/** One interaction with a customer. */
export interface Contact {
    /** Internal id. */
    id: Uuid;
    /** Channel. */
    channel: Channel;
    /** Direction. */
    direction: Direction;
    /** Start. */
    startedAt: Timestamp;
    /** Summary. */
    summary: string;
    /** Whether the customer was reached. */
    outcome: ContactOutcome;
    /** Associated cases (at most one unless configured otherwise). */
    caseIds: Uuid[];
    /** When it was logged. */
    createdAt: Timestamp;
    /** Who logged it. */
    createdBy: string;
    /** Address as received (caller number, e-mail address, handle). */
    address?: string;
    /** Matching key of the address, when it could be normalised. */
    addressKey?: string;
    /** Agent who handled it. */
    agent?: string;
    /** Files attached to it (metadata; the bytes stay with the host). */
    attachments?: Attachment[];
    /** The marketing or outreach campaign it belongs to. */
    campaign?: string;
    /** End. */
    endedAt?: Timestamp;
    /** Records in other systems linked to it during the interaction. */
    externalRecords?: ExternalLink[];
    /** Associated profile. */
    profileId?: Uuid;
}

/** A contact to log. */
export interface ContactInput {
    /** Channel. */
    channel: Channel;
    /** Address (caller number, e-mail address, handle). */
    address?: string;
    /** Agent. */
    agent?: string;
    /** The campaign it belongs to. */
    campaign?: string;
    /** Cases (id or case number). */
    cases?: string[];
    /** Direction (default inbound). */
    direction?: Direction;
    /** End. */
    endedAt?: Timestamp;
    /** Whether the customer was reached (default completed). */
    outcome?: ContactOutcome;
    /** Profile (id or customer ID). */
    profile?: string;
    /** Start (default: now). */
    startedAt?: Timestamp;
    /** Summary. */
    summary?: string;
}

/**
 * Kind of a contact point.
 *
 * - `phone`: Phone number (E.164).
 * - `email`: E-mail address.
 * - `social`: Social or messaging handle, written `network:handle`.
 * - `address`: Postal address.
 * - `other`: Anything else.
 */
export type ContactKind = "phone" | "email" | "social" | "address" | "other";

/**
 * How a contact ended: whether the customer was reached.
 *
 * - `completed`: The customer was reached (answered, replied, read): the default.
 * - `no_answer`: An outbound call nobody answered.
 * - `busy`: The line was busy.
 * - `voicemail`: A message left on voicemail or an answering machine.
 * - `abandoned`: The customer hung up or left the chat before an agent took it.
 * - `failed`: It could not be delivered (a bounced e-mail, a failed text, a dropped call).
 */
export type ContactOutcome = "completed" | "no_answer" | "busy" | "voicemail" | "abandoned" | "failed";

/** One way to reach a customer. */
export interface ContactPoint {
    /** Kind. */
    kind: ContactKind;
    /** Normalised value (E.164 phone, e-mail with lower-case domain, ...). */
    value: string;
    /** The preferred point of its kind. */
    primary: boolean;
    /** Matching key (`phone:+442079460958`), used by recognition and search. */
    key: string;
    /** Label such as `home`, `work`, `mobile`. */
    label?: string;
}

/** A contact point as captured (before normalisation). */
export interface ContactPointInput {
    /** Kind. */
    kind: ContactKind;
    /** The value as typed. */
    value: string;
    /** Label such as `home`, `work`, `mobile`. */
    label?: string;
    /** Preferred point of its kind (the first of a kind is primary if none is marked). */
    primary?: boolean;
}

/** Options of `Casebook::create_profile`. */
export interface CreateOptions {
    /** Create the profile even if it strongly matches existing profiles. */
    allowDuplicates?: boolean;
}

/** A threshold a clock crossed, or will cross if nothing changes. */
export interface Crossing {
    /** Percent of the duration (100: the breach). */
    threshold: number;
    /** When. */
    at: Timestamp;
}

/** The customer card of an interaction (`Casebook::customer_card`). */
export interface CustomerCard {
    /** The interaction. */
    contactId: Uuid;
    /** Its records, in card order. */
    records: CardRecord[];
    /** The customer it is logged against. */
    profile?: ProfileSummary;
}

/**
 * The period a dashboard covers: cases created and contacts started in
 * `[from, to)`; either end open.
 */
export interface DashboardFilter {
    /** Start (inclusive). */
    from?: Timestamp;
    /** End (exclusive). */
    to?: Timestamp;
}

/** The working windows of each day of the week. */
export interface DayWindows {
    friday?: WorkWindow[];
    monday?: WorkWindow[];
    saturday?: WorkWindow[];
    sunday?: WorkWindow[];
    thursday?: WorkWindow[];
    tuesday?: WorkWindow[];
    wednesday?: WorkWindow[];
}

/**
 * What rows are grouped by.
 *
 * - `status`: Status now.
 * - `support_group`: Support group.
 * - `assignee`: Assigned agent.
 * - `channel`: Channel the case came in on.
 * - `category`: Category.
 * - `priority`: Priority (`P1` ... `P5`).
 * - `campaign`: Campaign.
 * - `day`: Day of creation, in the report's time zone (`2026-03-01`).
 * - `week`: ISO week of creation, from Monday (`2026-W09`).
 * - `month`: Month of creation (`2026-03`).
 */
export type Dimension = "status" | "support_group" | "assignee" | "channel" | "category" | "priority" | "campaign" | "day" | "week" | "month";

/**
 * Direction of a contact.
 *
 * - `inbound`: The customer reached out.
 * - `outbound`: The agent reached out.
 */
export type Direction = "inbound" | "outbound";

/** A probable duplicate of a profile, with its score and the reasons. */
export interface DuplicateCandidate {
    /** The candidate. */
    profile: ProfileSummary;
    /** Score in 0..1. */
    score: number;
    /** Why it matched. */
    reasons: MatchReason[];
}

/** Profiles that probably describe one person (connected by probable-duplicate pairs). */
export interface DuplicateCluster {
    /** The profiles, by customer ID. */
    members: DuplicateMember[];
    /** The pairs that scored at or above the candidate threshold. */
    pairs: DuplicatePair[];
}

/** A profile in a duplicate report. */
export interface DuplicateMember {
    /** Internal id. */
    id: Uuid;
    /** Customer ID. */
    customerId: string;
    /** Display name. */
    displayName: string;
}

/** A scored pair inside a cluster. */
export interface DuplicatePair {
    /** One profile (customer ID). */
    a: string;
    /** The other profile (customer ID). */
    b: string;
    /** Score in 0..1. */
    score: number;
    /** Why they matched. */
    reasons: MatchReason[];
}

/** Probable duplicates across the whole store. */
export interface DuplicateReport {
    /** Clusters, strongest first. */
    clusters: DuplicateCluster[];
    /** Live profiles examined. */
    profilesScanned: number;
    /** Pairs scored (the work blocking left; all-pairs would be n(n-1)/2). */
    comparisons: number;
    /** Keys too common to compare on. */
    skippedBlocks: SkippedBlock[];
}

/**
 * How response and resolution times are counted.
 *
 * - `business`: The working time of the case's first-response or resolution service level (its calendar, pauses left out); wall-clock time for a case without one.
 * - `wall_clock`: Wall-clock time.
 */
export type DurationTime = "business" | "wall_clock";

/**
 * Per-domain matching option for mailboxes whose provider ignores dots or
 * `+tags` in the local part, or (rarely) tells case apart in it.
 *
 * Local parts match case-insensitively by default, as nearly every provider
 * delivers them; `case_sensitive` keeps the case of one domain's local parts.
 */
export interface EmailDomainRule {
    /** Domain (lower case), e.g. `gmail.com`. */
    domain: string;
    /** Match the local part with its case (`Ada@` and `ada@` are different). */
    caseSensitive?: boolean;
    /**
     * Kept so older configurations still read: local parts now match
     * case-insensitively unless `case_sensitive` is set.
     */
    ignoreCase?: boolean;
    /** Ignore dots in the local part (`a.da` meets `ada`). */
    ignoreDots?: boolean;
    /** Ignore a `+tag` suffix of the local part (`ada+shop` meets `ada`). */
    ignorePlusTag?: boolean;
}

/**
 * How to build an engine from JSON: configuration plus, for deterministic
 * runs (tests, replays, shared vectors), a fixed clock and an id seed.
 */
export interface EngineOptions {
    /** A deterministic clock instead of the host's. */
    clock?: FixedClock;
    /** Engine configuration. */
    config?: Config;
    /** A seed for deterministic ids instead of random ones. */
    idSeed?: number;
}

/**
 * Kind of a timeline entry.
 *
 * - `work_note`: Internal note, never shown to the customer.
 * - `comment`: Comment visible to the customer.
 * - `status_change`: Recorded by casebook on a status change.
 * - `priority_change`: Recorded by casebook when the priority is set by hand or by a routing rule instead of the impact × urgency matrix, or given back to the matrix.
 */
export type EntryKind = "work_note" | "comment" | "status_change" | "priority_change";

/**
 * Stable machine code of an error: the `code` of a `CasebookError` and of
 * the error JSON. A code's text and its number (`status`) are fixed once
 * released.
 *
 * - `invalid_input`: Input that is malformed before any domain rule applies (bad JSON, bad id, bad argument).
 * - `validation_failed`: A record broke template or domain rules; the error lists every field problem.
 * - `invalid_template`: A template definition is inconsistent (bad regex, duplicate keys, ...).
 * - `not_found`: The referenced profile, case, contact or template does not exist.
 * - `conflict`: An update was made against a stale version: someone else changed the record first.
 * - `illegal_transition`: The case state machine forbids the requested status change.
 * - `already_exists`: A unique value (customer ID, case number, link) already exists.
 * - `duplicate_suspected`: Creating the profile would probably duplicate existing profiles; the error lists them.
 * - `unmerge_refused`: A merge cannot be undone because merged data changed since.
 * - `storage`: The storage backend failed (I/O, locking, SQL); the error says what kind of failure.
 * - `incompatible_version`: Data written by an incompatible (usually newer) casebook version.
 * - `internal`: A bug inside casebook (a caught panic, a broken invariant).
 * - `invalid_state`: The operation is not allowed in the current state (e.g. merging a tombstone).
 * - `invalid_definition`: A calendar, SLA or other rule definition is inconsistent (bad time zone, overlapping windows, unknown field, ...).
 * - `tasks_open`: A case cannot be resolved while mandatory tasks are open; the error lists them.
 */
export type ErrorCode = "invalid_input" | "validation_failed" | "invalid_template" | "not_found" | "conflict" | "illegal_transition" | "already_exists" | "duplicate_suspected" | "unmerge_refused" | "storage" | "incompatible_version" | "internal" | "invalid_state" | "invalid_definition" | "tasks_open";

/** What happens to a case when a threshold is crossed. */
export interface Escalation {
    /** The threshold that triggers it. */
    at: EscalationPoint;
    /** Assign the case to this user. */
    assign?: string;
    /** Add these users to the informed users. */
    inform?: string[];
    /** Raise the priority one step (urgency up a level, then impact). */
    raisePriority?: boolean;
    /** Move the case to this support group. */
    supportGroup?: string;
    /** Add this work note to the case. */
    workNote?: string;
}

/** When an escalation runs: a warning threshold (percent) or the breach. */
export type EscalationPoint =
    /** A warning threshold, in percent of the duration. */
    | number
    /** The breach (`"breach"`, 100 %). */
    | BreachWord;

/** One event of the outbox. */
export interface Event {
    /** Position in the outbox: 1, 2, 3, ... without gaps, in commit order. */
    seq: number;
    /**
     * Idempotency key: the same event read twice (after a consumer
     * crashed before acknowledging it) has the same key.
     */
    key: Uuid;
    /** What happened. */
    kind: EventKind;
    /** What it happened to. */
    subject: EventSubject;
    /** When. */
    at: Timestamp;
    /** Who did it. */
    actor: string;
    /** Details, by kind (see the README's outbox section). */
    payload: Value;
}

/** Where a consumer of the outbox stands. */
export interface EventConsumer {
    /** The consumer's name (`mailer`, `crm`). */
    name: string;
    /** The last event it acknowledged (0: none yet). */
    acknowledged: number;
    /** The last event in the outbox. */
    last: number;
}

/**
 * What happened.
 *
 * - `profile.created`: A profile was created (by hand, by import or by intake).
 * - `profile.updated`: A profile's data changed; the payload names the changed fields.
 * - `profile.merged`: Profiles were merged into the subject (the survivor).
 * - `profile.unmerged`: A merge into the subject was undone.
 * - `case.created`: A case was opened.
 * - `case.updated`: A case's attributes changed other than its status and assignee (those have their own events); the payload names them.
 * - `case.status_changed`: A case moved to another status.
 * - `case.assigned`: A case's assignee changed (or was cleared); the payload names who to notify.
 * - `case.comment_added`: A comment the customer may see was added to a case.
 * - `case.feedback_received`: A customer's satisfaction feedback was recorded on a case.
 * - `contact.logged`: An interaction was logged.
 * - `message.requested`: A message for the host to deliver (from `notify_case`): the address, the rendered subject and body.
 * - `sla.warning`: A service level reached a warning threshold.
 * - `sla.breached`: A service level was breached.
 */
export type EventKind = "profile.created" | "profile.updated" | "profile.merged" | "profile.unmerged" | "case.created" | "case.updated" | "case.status_changed" | "case.assigned" | "case.comment_added" | "case.feedback_received" | "contact.logged" | "message.requested" | "sla.warning" | "sla.breached";

/** The record an event is about. */
export interface EventSubject {
    /** Kind of record. */
    kind: SubjectKind;
    /** Its id. */
    id: Uuid;
    /** Its human key: a customer ID, a case number, or a contact's id. */
    key: string;
}

/** An external record linked to a profile, a case or a contact. */
export interface ExternalLink {
    /** The record. */
    reference: ExternalRef;
    /** Linked, or its creation pending or failed. */
    status: LinkStatus;
    /** When linked (or asked for). */
    linkedAt: Timestamp;
    /** Who linked it. */
    linkedBy: string;
    /** Why its creation failed. */
    error?: string;
    /** The host request creating it (while pending, and once failed). */
    request?: number;
}

/** A record in another system: a Salesforce contact, a Dynamics lead. */
export interface ExternalRef {
    /** The system (`salesforce`, `dynamics`, any name). */
    system: string;
    /** The record type there (`contact`, `lead`, `account`, `case`, `opportunity`, ...). */
    recordType: string;
    /** What to show for it. */
    displayName?: string;
    /** Its id there (empty while a creation is pending). */
    externalId?: string;
    /** When it was last synchronised with the other system. */
    syncedAt?: Timestamp;
    /** Where to open it. */
    url?: string;
}

/** A date worked with its own windows, whatever the week or the holidays say. */
export interface ExtraDay {
    /** `YYYY-MM-DD`. */
    date: string;
    /** The day's windows (at least one). */
    windows: WorkWindow[];
    /** Why the day is worked. */
    name?: string;
}

/** A customer's satisfaction feedback on a case. */
export interface Feedback {
    /** The profile who gave it (linked to the case). */
    profile: Uuid;
    /** Its customer ID. */
    customerId: string;
    /** The score, on the scale configured when it was given. */
    score: number;
    /** The scale's lowest and highest scores then. */
    scale: FeedbackScale;
    /** When it was given. */
    givenAt: Timestamp;
    /** Who recorded it (an agent, the survey system). */
    recordedBy: string;
    /** The channel it came through (a survey e-mail, an IVR, a web form). */
    channel?: Channel;
    /** What the customer wrote. */
    comment?: string;
}

/** Feedback as it is recorded. */
export interface FeedbackInput {
    /** The profile (customer ID or id), linked to the case. */
    profile: string;
    /** The score on the configured scale. */
    score: number;
    /** The channel it came through. */
    channel?: Channel;
    /** What the customer wrote. */
    comment?: string;
    /** When it was given (default: now). */
    givenAt?: Timestamp;
}

/** The scale satisfaction scores are given on (default 1 to 5). */
export interface FeedbackScale {
    /** Lowest score (the least satisfied). */
    min: number;
    /** Highest score (the most satisfied). */
    max: number;
}

/** A custom field both profiles fill differently. */
export interface FieldConflict {
    /** Field key. */
    field: string;
    /** The survivor's value. */
    survivorValue: Value;
    /** The other profile's value. */
    mergedValue: Value;
    /** The value the plan keeps. */
    chosen: FieldSource;
}

/** One problem with one field of a record. */
export interface FieldError {
    /** Field key (custom fields) or property path (`contact_points[1].value`). */
    field: string;
    /** Stable machine code. */
    code: FieldErrorCode;
    /** Human message naming the expected format. */
    message: string;
}

/**
 * Stable machine code of one field problem.
 *
 * - `required`: A mandatory field has no value.
 * - `too_short`: Text shorter than the minimum length.
 * - `too_long`: Text longer than the maximum length.
 * - `invalid_format`: The value does not have the expected format (pattern, e-mail, phone, date, single line).
 * - `not_an_option`: The value is not one of the choice's options.
 * - `out_of_range`: A number or date outside its minimum or maximum.
 * - `wrong_type`: The value has the wrong JSON type (a list where a text is expected, ...).
 * - `unknown_field`: The record names a field the template does not define.
 * - `too_many_decimals`: A decimal with more decimal places than allowed.
 * - `in_future`: A date after today where the field forbids future dates.
 * - `read_only`: A field that is read-only after creation was changed.
 * - `duplicate`: A value given twice where it must be unique (e.g. two primary phones).
 */
export type FieldErrorCode = "required" | "too_short" | "too_long" | "invalid_format" | "not_an_option" | "out_of_range" | "wrong_type" | "unknown_field" | "too_many_decimals" | "in_future" | "read_only" | "duplicate";

/**
 * Whose value a custom field keeps in a merge.
 *
 * - `survivor`: The survivor's value.
 * - `merged`: The merged-away profile's value.
 */
export type FieldSource = "survivor" | "merged";

/** One field of a template, by its `type`: the settings every field takes and those of its type. */
export type FieldSpec =
    /** Free text. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "text";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** Maximum length in characters (at least 1). */
        maxLength?: number;
        /** Minimum length in characters. */
        minLength?: number;
        /** Line breaks are allowed. */
        multiline?: boolean;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** One (or with `multiple`, several) of fixed options. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "choice";
        options: ChoiceOption[];
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** Several options may be chosen (the value is a list). */
        multiple?: boolean;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** Text matching a regular expression (anchored at both ends). */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "pattern";
        /** The regular expression. */
        regex: string;
        /** The expected format as users read it (`AA999999A`), quoted in errors. */
        hint: string;
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** An e-mail address. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "email";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** A phone number, stored in E.164. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "phone";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Profile templates: recognition and phone search find the profile by this number (default `true`). */
        identifies?: boolean;
        /** Label shown to users. */
        label?: string;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** Region of national numbers (ISO 3166 code, such as GB); the engine's default region otherwise. */
        region?: string;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** A whole number. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "integer";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** Largest value allowed. */
        max?: number;
        /** Smallest value allowed. */
        min?: number;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** A decimal number. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "decimal";
        /** Most digits after the point (at most 12). */
        decimalPlaces?: number;
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** Largest value allowed. */
        max?: number;
        /** Smallest value allowed. */
        min?: number;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** A calendar date. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "date";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        max?: CivilDate;
        min?: CivilDate;
        /** The date may not be after today. */
        notInFuture?: boolean;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    }
    /** Yes or no. */
    | {
        /** Stable key of the field in records. */
        key: string;
        type: "boolean";
        default?: Value;
        /** Help text shown beside the input. */
        help?: string;
        /** Label shown to users. */
        label?: string;
        /** The field holds personal data (marked for export and erasure). */
        pii?: boolean;
        /** The value cannot change once the record exists. */
        readOnlyAfterCreate?: boolean;
        /** The field must have a value (default `false`). */
        required?: boolean;
        /** Required only when another field has a given value. */
        requiredWhen?: Condition;
        /** Case templates: keyword search finds cases by this field. */
        searchable?: boolean;
    };

/**
 * A test of one case attribute or custom field: exactly one of `equals`,
 * `in`, `not_in` or `present`.
 */
export interface FieldTest {
    /**
     * Attribute (`status`, `priority`, `impact`, `urgency`, `category`,
     * `product`, `asset`, `support_group`, `assignee`, `channel`,
     * `template`) or custom field key.
     */
    field: string;
    /** The value equals this one. */
    equals?: Value;
    /** The value is one of these. */
    in?: Value[];
    /** The value is none of these (an absent value is none of them). */
    notIn?: Value[];
    /** The field has a value (`true`) or has none (`false`). */
    present?: boolean;
}

/** A clock that starts at a fixed instant and moves a fixed step per reading. */
export interface FixedClock {
    /** First reading. */
    start: Timestamp;
    /** Milliseconds added per reading (default 1). */
    stepMs?: number;
}

/** A web form post: the case template's fields as the browser sent them. */
export interface FormPost {
    /** Field values. */
    fields?: Record<string, Value>;
    /** Case template the form shows (default: the deciding rule's). */
    template?: string;
}

/** Result of validating a form: the normalised input and every problem. */
export interface FormValidation<T> {
    /** The input as it would be stored (trimmed, normalised, defaults applied). */
    normalized: T;
    /** Every problem. */
    errors: FieldError[];
    /** Draft mode: required values not captured yet. */
    missing: MissingField[];
}

/**
 * How a message was found to belong to a case.
 *
 * - `case`: The host named the case.
 * - `thread`: It answers an earlier message of the case (`In-Reply-To`, `References`).
 * - `case_number`: Its subject names the case number.
 * - `conversation`: It belongs to the case's open chat conversation.
 */
export type FoundBy = "case" | "thread" | "case_number" | "conversation";

/** How a support group works its cases. */
export interface GroupPolicy {
    /** Which available agent with spare capacity gets the next case. */
    assignment: AssignmentStrategy;
}

/** A closed day. */
export interface Holiday {
    /** `YYYY-MM-DD`. */
    date: string;
    /** What the holiday is. */
    name?: string;
    /** Repeats on this month and day every year (29 February only in leap years). */
    yearly?: boolean;
}

/**
 * Something the host is asked to do in another system, in order
 * (`Casebook::host_requests`).
 */
export interface HostRequest {
    /** Sequence number, from 1: the cursor a host keeps. */
    seq: number;
    /** What it asks. */
    kind: HostRequestKind;
    /** Where it stands. */
    status: HostRequestStatus;
    /** The record it concerns in the other system (no id yet for a creation). */
    reference: ExternalRef;
    /** The casebook record it is for. */
    target: Target;
    /** The details to write there: the profile's and the interaction's. */
    fields: Value;
    /** When asked. */
    createdAt: Timestamp;
    /** Who asked. */
    createdBy: string;
    /** When last changed. */
    updatedAt: Timestamp;
    /** Why it failed. */
    error?: string;
}

/**
 * What a host request asks.
 *
 * - `create_record`: Create a record in another system, then confirm it with its id.
 * - `pass_details`: Pass a wrapped-up interaction's details to a linked record.
 */
export type HostRequestKind = "create_record" | "pass_details";

/**
 * Where a host request stands.
 *
 * - `pending`: Not carried out yet.
 * - `done`: Carried out.
 * - `failed`: The host could not carry it out.
 */
export type HostRequestStatus = "pending" | "done" | "failed";

/** Format of generated human identifiers: prefix plus a zero-padded number. */
export interface IdFormat {
    /** Text before the number (`C-`, `CS`). */
    prefix: string;
    /** Minimum number of digits (zero-padded). */
    width: number;
    /** Number of the first identifier. */
    start: number;
}

/** An identity document or number (passport, national insurance, tax id). */
export interface Identification {
    /** Kind of document, e.g. `passport`, `ni_number`. */
    kind: string;
    /** The number as written (trimmed). */
    value: string;
    /** Issuing country or authority. */
    issuer?: string;
}

/** An inbound message or call to take in (`Casebook::intake`). */
export interface Inbound {
    /** Channel. */
    channel: Channel;
    /** Sender: an e-mail `From` value, a caller number or SIP URI, a handle. */
    from: string;
    /** What was attached (the files themselves stay with the host). */
    attachments?: AttachmentMeta[];
    /** Body, or an excerpt of a call transcript. */
    body?: string;
    /** A case the host already knows the message belongs to (id or number). */
    case?: string;
    /** The chat conversation (or social thread) the message belongs to. */
    conversationId?: string;
    /**
     * Direction (default inbound). An outbound message (an agent's reply,
     * an acknowledgement the host sent) is logged on the case it names, so
     * that the customer's answer to it finds the case by its thread.
     */
    direction?: Direction;
    /** A web form post: its fields, validated against the case template. */
    form?: FormPost;
    /**
     * Headers that tell a machine's message from a person's
     * (`Auto-Submitted`, `Precedence`, `X-Autoreply`, `Content-Type`), by
     * name in any case.
     */
    headers?: Record<string, string>;
    /** The message this one answers (e-mail `In-Reply-To`). */
    inReplyTo?: string;
    /**
     * The channel's own id of the message (e-mail `Message-ID`, webhook
     * delivery id, call id): a message with an id already taken is not
     * taken again.
     */
    messageId?: string;
    /** When it was received (default: now). */
    receivedAt?: Timestamp;
    /**
     * Earlier messages of the thread (e-mail `References`), oldest first;
     * an item may hold several ids separated by spaces, as the header does.
     */
    references?: string[];
    /** Subject (e-mail, web form title). */
    subject?: string;
    /** Recipient or queue address (`support@example.com`, the dialled number). */
    to?: string;
}

/**
 * What a message does when a rule (or the default) decides.
 *
 * - `open`: Join the case it belongs to; otherwise open a new case.
 * - `join`: Join the case it belongs to; otherwise only log it.
 * - `log`: Only log it (on the case it belongs to, if any, without reopening it).
 */
export type IntakeAction = "open" | "join" | "log";

/**
 * What taking a message in did.
 *
 * - `joined`: It joined the case it belongs to.
 * - `opened`: It opened a new case (a follow-up of a closed one, perhaps).
 * - `logged`: It was only logged as a contact.
 */
export type IntakeDecision = "joined" | "opened" | "logged";

/**
 * The outcome of `Casebook::intake`: what
 * happened, on which case, by which rule.
 */
export interface IntakeOutcome {
    /** Joined, opened or logged. */
    decision: IntakeDecision;
    /**
     * The same in words: `joined CS0001001 (thread)`,
     * `opened CS0001002 by rule "billing"`, `logged only: automatic reply`.
     */
    text: string;
    /** The contact the message was logged as. */
    contactId: Uuid;
    /** A machine sent the message (it never opens or reopens a case). */
    automatic?: boolean;
    /**
     * Customer IDs of profiles the sender may be (a shared address, or
     * strong duplicates that kept a new profile from being created).
     */
    candidates?: string[];
    /** The case it joined or opened, or was logged on. */
    caseId?: Uuid;
    /** That case's number. */
    caseNumber?: string;
    /** The sender's customer ID. */
    customerId?: string;
    /** An unknown sender's pre-filled new-customer draft. */
    draft?: ProfileInput;
    /** The closed case the opened case follows up. */
    followUpOf?: string;
    /** How the message was found to belong to an existing case. */
    foundBy?: FoundBy;
    /** The sender's profile was created by this message. */
    profileCreated?: boolean;
    /** The sender's profile. */
    profileId?: Uuid;
    /** The case was resolved and the message reopened it. */
    reopened?: boolean;
    /**
     * The message had been taken before: this is that first outcome, and
     * nothing was stored again.
     */
    replayed?: boolean;
    /** The rule that decided (`None`: the default action). */
    rule?: string;
}

/** One intake rule. */
export interface IntakeRule {
    /** Name, unique in the definition (results name the rule that decided). */
    name: string;
    /** What the message does. */
    action: IntakeAction;
    /** The case it opens. */
    case?: CaseSpec;
    /** What opening a case does about an unknown sender. */
    unknownSender?: UnknownSender;
    /** When it applies. */
    when?: RuleCondition;
}

/**
 * The intake rules as loaded: ordered rules, the default for a message no
 * rule matches, and how replies find and treat their case.
 */
export interface IntakeRulesDef {
    /**
     * A regular expression finding a case number in a subject; its first
     * group (or the whole match) is the number. Default: the configured
     * case-number prefix and digits in square brackets (`[CS0001001]`).
     */
    caseNumberPattern?: string;
    /** What a message no rule matches does. */
    defaultAction?: IntakeAction;
    /** A reply to a closed or cancelled case. */
    onClosed?: OnClosed;
    /** A reply to a resolved case. */
    onResolved?: OnResolved;
    /** A reply to a case awaiting the customer moves it back to in progress. */
    resumeAwaiting?: boolean;
    /** The rules, in order: the first that matches decides. */
    rules?: IntakeRule[];
    /** Version, set by the engine when the rules are loaded. */
    version?: number;
}

/** One broken invariant. */
export interface InvariantProblem {
    /** Which invariant. */
    kind: ProblemKind;
    /** The record concerned: a customer ID, a case number or an id. */
    subject: string;
    /** What is wrong, in words. */
    message: string;
}

/**
 * Impact or urgency level.
 *
 * - `high`: 1 - High.
 * - `medium`: 2 - Medium.
 * - `low`: 3 - Low.
 */
export type Level = "high" | "medium" | "low";

/** One level's learned probabilities. */
export interface LevelEstimate {
    /** The level. */
    level: ComparisonLevel;
    /** Candidate pairs at this level. */
    pairs: number;
    /** Its probability among duplicates. */
    m: number;
    /** Its probability among other pairs. */
    u: number;
    /** The evidence it gives, log2(m / u): positive for, negative against. */
    bits: number;
}

/** A profile to link to a new case. */
export interface LinkInput {
    /** Profile id or customer ID. */
    profile: string;
    /** Role of the profile on the case. */
    role: LinkRole;
}

/**
 * Role of a profile on a case.
 *
 * - `requester`: The customer who asked.
 * - `affected`: A customer affected by the case.
 * - `informed`: A customer kept informed.
 */
export type LinkRole = "requester" | "affected" | "informed";

/**
 * Where a linked external record stands.
 *
 * - `linked`: Linked: the record exists in the other system.
 * - `pending`: Its creation was asked of the host and is not confirmed yet.
 * - `failed`: The host reported that creating it failed.
 */
export type LinkStatus = "linked" | "pending" | "failed";

/**
 * What a matching rule compares.
 *
 * - `phone`: Phone numbers (E.164 with equivalence rules).
 * - `email`: E-mail addresses.
 * - `social`: Social handles.
 * - `identification`: Identity documents of the same kind.
 * - `account`: Account ids.
 * - `name`: Given and family name.
 * - `swapped_name`: Given and family name written the other way round.
 * - `date_of_birth`: Date of birth.
 * - `address`: Postal addresses.
 */
export type MatchField = "phone" | "email" | "social" | "identification" | "account" | "name" | "swapped_name" | "date_of_birth" | "address";

/**
 * How a rule compares its field.
 *
 * - `exact`: Values equal as stored.
 * - `normalized`: Values equal after normalisation (phones in E.164, e-mails and names case- and accent-folded, nicknames resolved).
 * - `fuzzy`: Similarity at or above the rule's threshold: Jaro-Winkler for names, for addresses the better of word overlap (Dice coefficient, a word one keystroke off counting as shared) and character-trigram overlap.
 */
export type MatchMethod = "exact" | "normalized" | "fuzzy";

/** Why two profiles were matched: one rule's contribution. */
export interface MatchReason {
    /** Field compared. */
    field: MatchField;
    /** Method used. */
    method: MatchMethod;
    /** Whether the field agreed (`true`) or disagreed (`false`, a penalty). */
    agrees: boolean;
    /** Similarity for fuzzy rules (1 for exact agreement). */
    similarity: number;
    /** Contribution to the score (negative for a penalty). */
    contribution: number;
    /** In words, e.g. `same phone +447911123456`. */
    detail: string;
}

/** One matching rule: a field, a method and the evidence it gives. */
export interface MatchRule {
    /** Field compared. */
    field: MatchField;
    /** Comparison method. */
    method: MatchMethod;
    /** Added to the score when the field agrees (scaled by similarity for fuzzy rules). */
    weight: number;
    /** Fuzzy rules: the similarity below which the field disagrees (default 0.7). */
    disagreeBelow?: number;
    /** Subtracted when both profiles have the field and it clearly disagrees. */
    penalty?: number;
    /** Fuzzy rules: the similarity (0..1) at which the field agrees. */
    threshold?: number;
}

/** The score of a pair of profiles and the reasons behind it. */
export interface MatchScore {
    /** 0 (nothing in common) to 1 (certainly the same person). */
    score: number;
    /** Every rule that contributed. */
    reasons: MatchReason[];
}

/** Duplicate-detection settings. */
export interface MatchingConfig {
    /**
     * The whole-store report compares a block of at most twice this many
     * profiles pairwise, and a larger one by sorted neighbourhood: each
     * profile against the next `block_window` in name order (then date of
     * birth), so the work per profile stays flat as the store grows.
     */
    blockWindow?: number;
    /** Score from which a pair is a probable duplicate (listed as a candidate, clustered in reports). */
    candidateThreshold?: number;
    /**
     * Blocks (profiles sharing a candidate key) larger than this are not compared pairwise
     * (a call-centre number shared by thousands of records says nothing).
     */
    maxBlockSize?: number;
    /** Most candidates returned for one profile. */
    maxCandidates?: number;
    /** The rules, applied together; the score is the clamped sum of their contributions. */
    rules?: MatchRule[];
    /** Score from which creating a profile is refused without the duplicate override. */
    warnThreshold?: number;
}

/**
 * The outcome of `Casebook::train_matching`:
 * the learned configuration, to review and then pass in
 * `Config::matching`, and what it rests on.
 */
export interface MatchingTraining {
    /**
     * The configuration with learned weights, penalties and thresholds
     * (blocking settings as they were).
     */
    config: MatchingConfig;
    /** Candidate pairs learned from. */
    pairs: number;
    /** Distinct patterns of levels among them. */
    patterns: number;
    /** The estimated share of candidate pairs that are duplicates. */
    matchShare: number;
    /** Bits of evidence one unit of score stands for in `config`. */
    bitsPerUnit: number;
    /** Expectation-maximisation rounds run. */
    iterations: number;
    /** Whether the estimates settled before the round limit. */
    converged: boolean;
    /** Per rule, what was learned. */
    rules: RuleEstimate[];
}

/**
 * What a report measures for each group of cases.
 *
 * - `created`: Cases created in the period.
 * - `resolved`: Of those, resolved or closed now.
 * - `open`: Of those, still open now (the backlog they left).
 * - `first_response_median`: Median seconds to the first customer-visible comment.
 * - `first_response_mean`: Mean seconds to the first customer-visible comment.
 * - `first_response_p90`: 90th percentile of the seconds to the first customer-visible comment.
 * - `resolution_median`: Median seconds from creation to resolution.
 * - `resolution_mean`: Mean seconds from creation to resolution.
 * - `resolution_p90`: 90th percentile of the seconds from creation to resolution.
 * - `sla_attainment`: Share of completed service-level clocks that met their target (0 to 1): each clock of a case counts once, as its latest run ended.
 * - `sla_met`: Completed service-level clocks that met their target.
 * - `sla_breached`: Completed service-level clocks that breached it.
 * - `reopen_rate`: Share of the cases resolved at least once that were reopened (0 to 1).
 * - `satisfaction_average`: Average satisfaction score.
 * - `satisfaction_count`: Number of satisfaction scores.
 */
export type Measure = "created" | "resolved" | "open" | "first_response_median" | "first_response_mean" | "first_response_p90" | "resolution_median" | "resolution_mean" | "resolution_p90" | "sla_attainment" | "sla_met" | "sla_breached" | "reopen_rate" | "satisfaction_average" | "satisfaction_count";

/** The result of a merge. */
export interface MergeOutcome {
    /** Merge id (to undo it). */
    mergeId: Uuid;
    /** The survivor after the merge. */
    survivor: Profile;
    /** The tombstone. */
    tombstone: Profile;
}

/**
 * What a merge does: which profile survives and which of the other
 * profile's elements it takes over. Contact history always moves.
 */
export interface MergePlan {
    /** The profile that stays (id or customer ID). */
    survivor: string;
    /** The profile merged into it, which becomes a tombstone (id or customer ID). */
    merged: string;
    /** Move account ids. */
    accounts?: boolean;
    /** Re-link the other profile's cases to the survivor (a case linked to both ends up linked once). */
    cases?: boolean;
    /**
     * Move the other profile's phones, e-mails, handles and addresses to the survivor.
     * Those not moved stay on the tombstone, still reachable through its redirect.
     */
    contactPoints?: boolean;
    /**
     * Per custom field, whose value to keep. Fields not listed keep the
     * survivor's value, or take the other's when the survivor has none.
     */
    fields?: Record<string, FieldSource>;
    /** Move identity documents. */
    identifications?: boolean;
    /** The merged profile's version the decision was made on. */
    mergedVersion?: number;
    /** Re-point the other profile's relationships to the survivor (never to itself). */
    related?: boolean;
    /** The survivor version the decision was made on (refused if it changed since). */
    survivorVersion?: number;
}

/** Exactly what a merge would do, computed without changing anything. */
export interface MergePreview {
    /** The survivor as it is. */
    survivor: Profile;
    /** The other profile as it is. */
    merged: Profile;
    /** The survivor as it would be. */
    result: Profile;
    /** Contact points moving to the survivor. */
    contactPointsMoved: ContactPoint[];
    /** Contact points the survivor already has (not duplicated). */
    contactPointsAlreadyHeld: ContactPoint[];
    /** Contact points staying on the tombstone (reachable through its redirect). */
    contactPointsKeptOnTombstone: ContactPoint[];
    /** Identity documents moving. */
    identificationsMoved: Identification[];
    /** Accounts moving. */
    accountsMoved: string[];
    /** Cases re-linked to the survivor. */
    casesMoved: CaseSummary[];
    /** Cases linked to both, which end up linked once. */
    casesLinkedToBoth: CaseSummary[];
    /** Cases staying linked to the tombstone. */
    casesKeptOnTombstone: CaseSummary[];
    /** Number of contacts (interactions) moving. */
    contactsMoved: number;
    /** Relationships re-pointed to the survivor. */
    relationsMoved: Relation[];
    /** Relationships dropped (between the two profiles, or already held by the survivor). */
    relationsDropped: Relation[];
    /** Custom fields filled differently, with the plan's choice. */
    fieldConflicts: FieldConflict[];
    /** Validation problems of the result (the merge is refused while there are any). */
    problems: FieldError[];
}

/** The journal of one merge: what moved, so that it can be undone exactly. */
export interface MergeRecord {
    /** Merge id. */
    id: Uuid;
    /** Status. */
    status: MergeStatus;
    /** Who merged. */
    mergedBy: string;
    /** When. */
    mergedAt: Timestamp;
    /** The plan. */
    plan: MergePlan;
    /** Survivor before the merge. */
    survivorBefore: Profile;
    /** Survivor right after the merge. */
    survivorAfter: Profile;
    /** Other profile before the merge. */
    mergedBefore: Profile;
    /** The tombstone right after the merge. */
    tombstoneAfter: Profile;
    /** Case links of either profile touched by the merge, before. */
    linksBefore: CaseLink[];
    /** The same cases' links after. */
    linksAfter: CaseLink[];
    /**
     * The contacts moved from the other profile to the survivor (their ids:
     * contacts move by reference, an unmerge moves them back).
     */
    contactsMoved: Uuid[];
    /** Relations touched, before. */
    relationsBefore: Relation[];
    /** Relations touched, after. */
    relationsAfter: Relation[];
    /** When. */
    unmergedAt?: Timestamp;
    /** Who undid it. */
    unmergedBy?: string;
}

/**
 * Whether a merge is in force or was undone.
 *
 * - `merged`: The merge is in force.
 * - `unmerged`: The merge was undone.
 */
export type MergeStatus = "merged" | "unmerged";

/** A required field that a draft has not captured yet. */
export interface MissingField {
    /** Field key. */
    field: string;
    /** Field label. */
    label: string;
}

/** One message of a notification. */
export interface NotifiedProfile {
    /** The profile. */
    profile: Uuid;
    /** Its customer ID. */
    customerId: string;
    /** Its role on the case. */
    role: LinkRole;
    /** Where the message goes (an e-mail address, an E.164 number). */
    address: string;
    /** The outbound contact logged in the profile's history. */
    contact: Uuid;
    /** The `message.requested` event the host delivers it by. */
    event: number;
    /** The message. */
    message: RenderedMessage;
}

/**
 * What a reply to a closed or cancelled case does.
 *
 * - `follow_up`: Open a follow-up case linked to it.
 * - `log`: Only log the message on it.
 */
export type OnClosed = "follow_up" | "log";

/**
 * What a reply to a resolved case does.
 *
 * - `reopen`: Reopen it (resolved to in progress).
 * - `join`: Join it, leaving it resolved.
 * - `follow_up`: Open a follow-up case linked to it.
 */
export type OnResolved = "reopen" | "join" | "follow_up";

/**
 * A declared rule for numbers one country writes two ways (for example a
 * mobile with and without its extra digit, as messaging channels send them).
 *
 * The rule rewrites the national significant number of numbers with the
 * given country calling code into one canonical form, so both writings meet
 * the same profile.
 */
export interface PhoneEquivalence {
    /** Country calling code without `+`, e.g. `52` for Mexico. */
    countryCode: number;
    /** Regular expression matched against the whole national significant number. */
    pattern: string;
    /** Replacement (with `$1`, `${2}` groups) giving the canonical national number. */
    canonical: string;
    /** Why the rule exists. */
    description?: string;
}

/** Priority 1 (critical) to 5 (planning). */
export type Priority = number;

/** Priority from impact and urgency: `cells[impact][urgency]`, High first. */
export type PriorityMatrix = [[number, number, number], [number, number, number], [number, number, number]];

/**
 * Which invariant a problem breaks.
 *
 * - `duplicate_key`: Two records hold the same customer ID or case number.
 * - `broken_redirect`: A merged-away profile redirects to a profile that does not exist, or in a loop.
 * - `missing_parent`: A case's parent does not exist.
 * - `dangling_reference`: A link, contact or relation points to a record that does not exist.
 * - `contact_on_tombstone`: A contact is held by a merged-away profile (contacts always move).
 * - `self_relation`: A profile is related to itself.
 * - `broken_merge`: A merge journal cannot be read, or a merge in force is half done.
 * - `tombstone_without_journal`: A merged-away profile has no merge journal.
 * - `stale_index`: A record is not indexed by exactly what it should be found by.
 * - `store`: The store's own check of its files and indexes found a problem.
 * - `invalid_record`: A record holds what no operation stores: a custom field key that is not an identifier (such as `__proto__`), a contact point whose value does not read as its kind or whose key is not the one its value gives.
 */
export type ProblemKind = "duplicate_key" | "broken_redirect" | "missing_parent" | "dangling_reference" | "contact_on_tombstone" | "self_relation" | "broken_merge" | "tombstone_without_journal" | "stale_index" | "store" | "invalid_record";

/** A customer profile. */
export interface Profile {
    /** Internal id. */
    id: Uuid;
    /** Human customer ID (`C-000001`), unique and never reused. */
    customerId: string;
    /** Optimistic-concurrency version, bumped on every edit. */
    version: number;
    /** Given name(s). */
    givenName: string;
    /** Family name. */
    familyName: string;
    /** Identity documents. */
    identifications: Identification[];
    /** Phones, e-mails, handles, addresses. */
    contactPoints: ContactPoint[];
    /** Account ids held by the customer. */
    accounts: string[];
    /** Custom fields from the template. */
    fields: Record<string, Value>;
    /** Creation time. */
    createdAt: Timestamp;
    /** Who created it. */
    createdBy: string;
    /** Last edit time. */
    updatedAt: Timestamp;
    /** Who edited it last. */
    updatedBy: string;
    /** Agent or team owning the profile. */
    assignedTo?: string;
    /** Date of birth. */
    dateOfBirth?: CivilDate;
    /** Records in other systems linked to it (CRM contacts, leads, accounts, cases). */
    externalRecords?: ExternalLink[];
    /** Start of the latest contact logged against the profile. */
    lastInteractionAt?: Timestamp;
    /** Set when the profile was merged into another one (a tombstone). */
    mergedInto?: Uuid;
    /** The channel the customer prefers to be contacted on. */
    preferredChannel?: Channel;
    /** Template the custom fields were validated against. */
    template?: TemplateRef;
}

/** A case linked to a profile, with the profile's role. */
export interface ProfileCase {
    /** The case. */
    case: CaseSummary;
    /** The profile's role on it. */
    role: LinkRole;
}

/** A customer's dashboard over a period. */
export interface ProfileDashboard {
    /** Internal id of the profile. */
    profile: Uuid;
    /** Its customer ID. */
    customerId: string;
    /** The period. */
    filter: DashboardFilter;
    /** Cases linked to the profile in the period, whatever their role. */
    cases: number;
    /**
     * Of them, how many have each status (in the workflow's order; only
     * statuses with cases).
     */
    casesByStatus: StatusCount[];
    /** Cases and contacts by campaign (by name, no campaign last). */
    byCampaign: CampaignCount[];
    /** Contacts in the period. */
    contacts: number;
    /** Contacts by channel (most first, then by name). */
    contactsByChannel: ChannelCount[];
    /** When that contact started. */
    lastSuccessfulAt?: Timestamp;
    /** The channel of the latest contact in the period that reached them. */
    lastSuccessfulChannel?: Channel;
    /** The channel the customer prefers. */
    preferredChannel?: Channel;
}

/** Editable part of a profile, for creation and (whole) replacement. */
export interface ProfileInput {
    /** Account ids. */
    accounts?: string[];
    /** Owner. */
    assignedTo?: string;
    /** Contact points. */
    contactPoints?: ContactPointInput[];
    /** Date of birth, `YYYY-MM-DD`. */
    dateOfBirth?: string;
    /** Family name. */
    familyName?: string;
    /** Custom field values. */
    fields?: Record<string, Value>;
    /** Given name(s). */
    givenName?: string;
    /** Identity documents. */
    identifications?: Identification[];
    /** The channel the customer prefers to be contacted on. */
    preferredChannel?: Channel;
    /** Template id (creation: latest version; update: kept unless changed). */
    template?: string;
    /** Explicit template version (to validate against or upgrade to). */
    templateVersion?: number;
}

/** How to look profiles up. */
export type ProfileQuery =
    /** Name words, case- and accent-insensitive, each matching the start of a name word. */
    | { name: string; email?: never; phone?: never; account?: never; customerId?: never; identification?: never }
    /** E-mail address. */
    | { email: string; name?: never; phone?: never; account?: never; customerId?: never; identification?: never }
    /** Phone number in any formatting. */
    | { phone: string; name?: never; email?: never; account?: never; customerId?: never; identification?: never }
    /** Account id. */
    | { account: string; name?: never; email?: never; phone?: never; customerId?: never; identification?: never }
    /** Customer ID. */
    | { customerId: string; name?: never; email?: never; phone?: never; account?: never; identification?: never }
    /** Identification document. */
    | {
        identification: {
            /** Document kind. */
            kind: string;
            /** Number. */
            value: string;
        };
        name?: never;
        email?: never;
        phone?: never;
        account?: never;
        customerId?: never;
    };

/** A short view of a profile for lists (search results, household pop-ups). */
export interface ProfileSummary {
    /** Internal id. */
    id: Uuid;
    /** Customer ID. */
    customerId: string;
    /** Display name. */
    displayName: string;
    /** Number of open cases linked to the profile. */
    openCases: number;
    /** Primary e-mail. */
    email?: string;
    /** Latest contact. */
    lastInteractionAt?: Timestamp;
    /**
     * The most urgent open case, given where recognition lists the profiles
     * sharing an address for the agent to choose from; absent elsewhere.
     */
    mostUrgentCase?: CaseSummary;
    /** Primary phone. */
    phone?: string;
}

/**
 * What recognition found for an incoming contact.
 *
 * The caller's extension (`tel:...;ext=12`, `020 7946 0958 x12`) comes as
 * `extension` beside the outcome, and a caller who withheld their identity
 * as `"withheld": true` on an unknown outcome; both are left out of the JSON
 * when absent, so older readers see the same records.
 */
export type Recognition =
    /** No profile: a draft with the address in the right contact field. */
    | {
        outcome: "unknown";
        /** Matching key of the address, if it could be normalised. */
        key: string | null;
        /** A pre-filled new-customer draft (empty for a withheld caller). */
        draft: ProfileInput;
        /** The extension the caller dialled from, kept apart from the number. */
        extension?: string;
        /** The caller withheld their identity: never matched to a profile. */
        withheld?: boolean;
    }
    /** One profile. */
    | {
        outcome: "known";
        /** The profile. */
        profile: Profile;
        /** Its summary. */
        summary: ProfileSummary;
        /** Open cases, most urgent first. */
        openCases: CaseSummary[];
        /** Latest contacts, most recent first. */
        recentContacts: Contact[];
        /** The extension the caller dialled from, kept apart from the number. */
        extension?: string;
    }
    /** A shared address (household landline, shared mailbox): the agent chooses. */
    | {
        outcome: "several";
        /** Candidate profiles. */
        candidates: ProfileSummary[];
        /** The extension the caller dialled from, kept apart from the number. */
        extension?: string;
    };

/** A related customer as seen from one profile. */
export interface RelatedCustomer {
    /** The related profile. */
    profile: ProfileSummary;
    /** What it is to the profile asked about: its tags joined by `, `. */
    relationship: string;
    /** The same tags, one by one. */
    tags: string[];
}

/** A case's related records of one kind. */
export interface RelatedGroup {
    /** The kind. */
    kind: RelatedKind;
    /** Its records, in the order related. */
    records: RelatedView[];
}

/** What to relate a case to: one of our cases or a record elsewhere. */
export interface RelatedInput {
    /** How it relates. */
    kind: RelatedKind;
    /** One of our cases: its id or number. */
    case?: string;
    /** A record of another system. */
    external?: ExternalRef;
}

/**
 * The kind of a case's relation to another record.
 *
 * - `incident`: An incident.
 * - `problem`: A problem (the cause behind incidents).
 * - `change`: A change.
 * - `request`: A service request.
 * - `knowledge`: A knowledge article.
 */
export type RelatedKind = "incident" | "problem" | "change" | "request" | "knowledge";

/** A case's relation to another case or to an external record. */
export interface RelatedRecord {
    /** How it relates. */
    kind: RelatedKind;
    /** When related. */
    linkedAt: Timestamp;
    /** Who related it. */
    linkedBy: string;
    /** The related case, when it is one of ours. */
    case?: Uuid;
    /** The related record, when it lives in another system. */
    external?: ExternalRef;
}

/** One related record as listed: the relation, with the related case's summary. */
export interface RelatedView {
    /** The relation. */
    relation: RelatedRecord;
    /** The related case, when it is one of ours. */
    case?: CaseSummary;
}

/**
 * A relationship between two profiles, with its tags in each direction
 * (`spouse`, `account holder`, `carer`): one or several.
 */
export interface Relation {
    /** One profile. */
    a: Uuid;
    /** The other profile. */
    b: Uuid;
    /** What `b` is to `a` (e.g. `spouse`, `carer`), in the order given. */
    aToB: string[];
    /** What `a` is to `b` (e.g. `spouse`, `account holder`), in the order given. */
    bToA: string[];
    /** When created. */
    createdAt: Timestamp;
    /** Who created it. */
    createdBy: string;
}

/** A message rendered for one recipient. */
export interface RenderedMessage {
    /** The message: HTML for e-mail, plain text otherwise. */
    body: string;
    /** Subject line (e-mail), on one line. */
    subject?: string;
}

/**
 * A report: which cases, grouped how, measured how. Loaded reports are
 * versioned like other definitions; a report may also run unsaved.
 */
export interface ReportDefinition {
    /** Id (letters, digits, `-`, `_`, `.`). */
    id: string;
    /** Measures, in column order. */
    measures: Measure[];
    /** What it is for. */
    description?: string;
    /** How durations are counted. */
    durations?: DurationTime;
    /** Which cases it counts. */
    filters?: ReportFilters;
    /** Group keys, in column order (none: one row for every case counted). */
    groupBy?: Dimension[];
    /** Title. */
    name?: string;
    /** Time zone days, weeks and months are cut in (IANA name, default UTC). */
    timeZone?: string;
    /** Version, given when loaded (0 before). */
    version?: number;
}

/**
 * Which cases a report counts: each list, when not empty, keeps the cases
 * whose attribute is one of its values.
 */
export interface ReportFilters {
    /** Assignees. */
    assignee?: string[];
    /** Campaigns. */
    campaign?: string[];
    /** Categories. */
    category?: string[];
    /** Channels. */
    channel?: Channel[];
    /** Priorities (`P1` ... `P5`). */
    priority?: string[];
    /** Statuses. */
    status?: CaseStatus[];
    /** Support groups. */
    supportGroup?: string[];
}

/** The period a report runs over: cases created in `[from, to)`. */
export interface ReportPeriod {
    /** From (inclusive; none: from the first case). */
    from?: Timestamp;
    /** To (exclusive; none: to the last case). */
    to?: Timestamp;
}

/** A report's result: columns (dimensions, then measures) and rows. */
export interface ReportTable {
    /** The report's id. */
    report: string;
    /** Its version (0: run unsaved). */
    version: number;
    /** The period it ran over. */
    period: ReportPeriod;
    /** Column names: the dimensions, then the measures. */
    columns: string[];
    /**
     * One row per group with cases, sorted by the dimensions (unset
     * values last). Dimension cells are text or null; measures are numbers,
     * or null where nothing was measured (no resolved case, no score).
     */
    rows: Value[][];
}

/** How a case was resolved. */
export interface Resolution {
    /** Resolution notes. */
    notes: string;
    /** Whether the notes are shared with the requester. */
    shareWithRequester: boolean;
    /** Who resolved it. */
    resolvedBy: string;
    /** When. */
    resolvedAt: Timestamp;
}

/** Resolution details supplied when moving a case to `resolved`. */
export interface ResolutionInput {
    /** Resolution notes (required). */
    notes: string;
    /** Share the notes with the requester. */
    shareWithRequester?: boolean;
}

/** A loaded version of a response template. */
export interface ResponseTemplate {
    /** Template id. */
    id: string;
    /** Version (1, 2, ...): a changed definition loads as the next one. */
    version: number;
    /** Display name. */
    name: string;
    /** The channel it is written for. */
    channel: Channel;
    /** The message text. */
    body: string;
    /** The placeholders it uses, sorted. */
    placeholders: string[];
    /** Subject line (e-mail). */
    subject?: string;
}

/** The JSON shape of a response template, as an administrator writes it. */
export interface ResponseTemplateDef {
    /** Template id: 1 to 64 characters of a-z, 0-9, `_`, `-` or `.`. */
    id: string;
    /** Display name. */
    name: string;
    /**
     * The channel it is written for: e-mail bodies are HTML (values
     * escaped), other channels plain text.
     */
    channel: Channel;
    /**
     * The message, with placeholders such as `{{ profile.given_name }}`,
     * `{{ case.number }}`, `{{ case.fields.serial }}`.
     */
    body: string;
    /** Subject line (e-mail only, where it is required). */
    subject?: string;
}

/**
 * The case timestamp a service level may count from instead of the
 * moment its start condition first held.
 */
export type RetroactiveStart = "created_at";

/** Where a matching rule sends the case. */
export interface RouteTo {
    /** Support group (required). */
    supportGroup: string;
    /** Agent to assign. */
    assignee?: string;
    /** Priority to set, overriding the impact × urgency matrix. */
    priority?: Priority;
}

/** The routing rule that routed a case. */
export interface RoutedBy {
    /** Rule name. */
    rule: string;
    /** Version of the routing rules. */
    version: number;
}

/**
 * When a routing rule applies: every condition given must hold (a missing
 * condition or an empty list holds always). Each condition lists the
 * values it accepts; text is compared folded (`Billing` matches
 * `billing`, `Facturé` matches `facture`).
 */
export interface RoutingCondition {
    /** Its campaign is one of these. */
    campaigns?: string[];
    /** Its category is one of these. */
    categories?: string[];
    /** The case came on one of these channels. */
    channels?: Channel[];
    /**
     * Custom fields: each key's value is one of the listed values (text
     * folded; numbers and booleans as they are). A case without the field
     * does not match.
     */
    fields?: Record<string, Value[]>;
    /** Its impact is one of these. */
    impacts?: Level[];
    /** Its priority (from the matrix, or set by hand) is one of these (1 to 5). */
    priorities?: Priority[];
    /** Its product is one of these. */
    products?: string[];
    /** Its case template is one of these. */
    templates?: string[];
    /** Its urgency is one of these. */
    urgencies?: Level[];
}

/** The decision of a routing rule. */
export interface RoutingDecision {
    /** The rule that decided. */
    rule: string;
    /** The version of the rules it belongs to. */
    version: number;
    /** Support group. */
    supportGroup: string;
    /** Agent to assign. */
    assignee?: string;
    /** Priority to set. */
    priority?: Priority;
}

/** One routing rule. */
export interface RoutingRule {
    /** Name, unique in the definition (decisions name the rule that decided). */
    name: string;
    /** Where it sends the case. */
    route: RouteTo;
    /** When it applies. */
    when?: RoutingCondition;
}

/** The routing rules as loaded, in order: the first that matches decides. */
export interface RoutingRulesDef {
    /**
     * How each support group gives cases to its agents (a group not
     * listed: `round_robin`).
     */
    groups?: Record<string, GroupPolicy>;
    /** The rules, in order. */
    rules?: RoutingRule[];
    /** Version, set by the engine when the rules are loaded. */
    version?: number;
}

/**
 * When a rule applies: every condition given must hold (an empty list or
 * a missing condition holds always). Words and phrases are matched on
 * folded words (`Invoice` matches `invoice`, `remboursé` matches `rembourse`).
 */
export interface RuleCondition {
    /** The sender's profile holds one of these accounts. */
    accounts?: string[];
    /** A machine sent it (auto-reply, bounce) or a person did. */
    automatic?: boolean;
    /** It belongs to an existing case (by thread, case number or conversation). */
    belongsToCase?: boolean;
    /** The body holds one of these words or phrases. */
    bodyAny?: string[];
    /** The body has at most this many words (a short "thank you"). */
    bodyMaxWords?: number;
    /** The message came on one of these channels. */
    channels?: Channel[];
    /** The subject or the body holds one of these words or phrases. */
    keywordsAny?: string[];
    /** Neither the subject nor the body holds any of these. */
    keywordsNone?: string[];
    /**
     * It was sent to one of these addresses (any case; `*@example.com`
     * matches a domain).
     */
    recipients?: string[];
    /** The sender is known or unknown. */
    sender?: SenderCondition;
    /** The subject holds one of these words or phrases. */
    subjectAny?: string[];
}

/** What was learned for one rule. */
export interface RuleEstimate {
    /** The rule's field. */
    field: MatchField;
    /** The rule's method. */
    method: MatchMethod;
    /**
     * Whether anything was learned for it: its weight when agreements were
     * seen, its penalty when disagreements were; a rule whose field was
     * never compared (no such data in the store) stays as configured.
     */
    learned: boolean;
    /** The levels seen in at least one pair. */
    levels: LevelEstimate[];
    /** Pairs where the rule had nothing to compare; they count neither way. */
    noEvidencePairs: number;
}

/**
 * Whether the sender is known.
 *
 * - `known`: Exactly one profile holds the sender's address.
 * - `unknown`: No profile, or several, hold it.
 */
export type SenderCondition = "known" | "unknown";

/** A candidate key shared by too many profiles to compare them pairwise. */
export interface SkippedBlock {
    /** The key (e.g. a phone number shared by a call centre). */
    key: string;
    /** How many profiles share it. */
    size: number;
}

/** One service level of a case, read at an instant. */
export interface SlaClock {
    /** Definition in force. */
    sla: string;
    /** Its version (the one in force when the clock started). */
    version: number;
    /** Its name. */
    name: string;
    /** What is measured. */
    target: SlaTarget;
    /** The clock (policy group or definition id). */
    slot: string;
    /** Business or calendar time. */
    time: SlaTime;
    /** Where the clock stands. */
    stage: SlaStage;
    /** Whether the duration was used up (a completed clock keeps it). */
    breached: boolean;
    /** When the clock started. */
    startedAt: Timestamp;
    /** The promised time, in seconds. */
    durationS: number;
    /** Working time counted while running, in seconds (what the duration is measured against for business time). */
    businessElapsedS: number;
    /** Wall-clock time while running, in seconds. */
    actualElapsedS: number;
    /** Wall-clock time paused, in seconds. */
    pausedS: number;
    /** Share of the duration used, in percent (two decimals). */
    percentage: number;
    /** Duration left, in seconds (negative once breached). */
    timeLeftS: number;
    /** Thresholds crossed so far, then those to come while it runs. */
    crossings: Crossing[];
    /** Calendar counted in (none for calendar time). */
    calendar?: string;
    /** When it completed or was cancelled. */
    completedAt?: Timestamp;
    /** When it would breach without any pause. */
    originalBreachAt?: Timestamp;
    /** When it breaches (or breached), pauses included; while paused, if it ran again now. */
    plannedBreachAt?: Timestamp;
    /** The highest warning threshold crossed, if any. */
    warning?: number;
}

/** A predicate over a case's attributes. */
export type SlaCondition =
    /** Every condition holds (an empty list always holds). */
    | {
        /** The conditions. */
        all: SlaCondition[];
    }
    /** At least one condition holds (an empty list never holds). */
    | {
        /** The conditions. */
        any: SlaCondition[];
    }
    /** The condition does not hold. */
    | {
        /** The condition. */
        not: SlaCondition;
    }
    /** A test of one attribute or custom field. */
    | FieldTest;

/** A service-level definition as written in JSON (versioned like templates). */
export interface SlaDef {
    /** Id (a-z, 0-9, `_`, `-`, `.`; at most 64 characters). */
    id: string;
    /** Display name. */
    name: string;
    /** What is measured. */
    target: SlaTarget;
    /** The promised time (`4h`, `3 days`, `PT30M`). */
    duration: string;
    /** The calendar of business time. */
    calendar?: CalendarChoice;
    /** Cancels the clock (default: the case is cancelled). */
    cancel?: SlaCondition;
    /** Only cases of this case template; custom-field conditions are checked against it. */
    caseTemplate?: string;
    /** What happens at thresholds. */
    escalations?: Escalation[];
    /** While this holds, the clock is paused. */
    pause?: SlaCondition;
    /**
     * Of the definitions of one group, the first by `position` whose start
     * condition holds applies; switching between them keeps the clock.
     */
    policyGroup?: string;
    /** Order within the policy group (lowest first). */
    position?: number;
    /** Restarts the clock from zero when it turns true. */
    reset?: SlaCondition;
    /** A paused clock runs again when this holds (default: when `pause` stops holding). */
    resume?: SlaCondition;
    /** Count from a case timestamp instead of the start condition. */
    retroactiveStart?: RetroactiveStart;
    /** When the clock attaches (default: always). */
    start?: SlaCondition;
    /** Completes the clock (default for resolution: resolved or closed). */
    stop?: SlaCondition;
    /** Business or calendar time (default business). */
    time?: SlaTime;
    /** Version (assigned when stored). */
    version?: number;
    /** Warning thresholds in percent of the duration (1 to 99). */
    warnings?: number[];
}

/**
 * One threshold crossing or breach of a case's service level, as a store
 * indexes it: due at `due_at`, taken at most once (by its key).
 */
export interface SlaDue {
    /** The case. */
    caseId: Uuid;
    /** The clock (policy group or definition id). */
    slot: string;
    /** When the clock's run started (a reset starts a new run). */
    startedAt: Timestamp;
    /** Percent of the duration (100: the breach). */
    threshold: number;
    /** When it is crossed. */
    dueAt: Timestamp;
    /** The definition in force. */
    sla: string;
    /** Its version. */
    version: number;
}

/** A warning or breach taken by `Casebook::due_sla_events`. */
export interface SlaEvent {
    /** The case. */
    caseId: Uuid;
    /** Its number. */
    caseNumber: string;
    /** The definition in force. */
    sla: string;
    /** Its version. */
    version: number;
    /** Its name. */
    name: string;
    /** The clock (policy group or definition id). */
    slot: string;
    /** When the clock's run started. */
    startedAt: Timestamp;
    /** Percent of the duration (100: the breach). */
    threshold: number;
    /** Warning or breach. */
    kind: SlaEventKind;
    /** When it was crossed. */
    dueAt: Timestamp;
    /** When it was taken. */
    takenAt: Timestamp;
    /** What the escalations did to the case (empty: none applied). */
    escalations: string[];
}

/**
 * Whether a crossing is a warning or the breach.
 *
 * - `warning`: A warning threshold was crossed.
 * - `breach`: The duration was used up.
 */
export type SlaEventKind = "warning" | "breach";

/**
 * Where a clock stands.
 *
 * - `in_progress`: Counting.
 * - `paused`: Stopped for a while (pause condition).
 * - `completed`: Stopped for good, met or breached.
 * - `cancelled`: Withdrawn (cancel condition).
 */
export type SlaStage = "in_progress" | "paused" | "completed" | "cancelled";

/**
 * What a service level measures.
 *
 * - `first_response`: Until the first customer-visible comment.
 * - `next_response`: From each customer message (an inbound contact on the case) until the next customer-visible comment.
 * - `resolution`: Until the case is resolved (or closed).
 */
export type SlaTarget =
    | "first_response"
    | "next_response"
    | "resolution"
    /** Anything else: started and stopped by the definition's conditions. */
    | string;

/**
 * Whether a service level counts business hours of a calendar or every hour.
 *
 * - `business`: Working time of the definition's calendar.
 * - `calendar`: Every hour of the day (no calendar needed).
 */
export type SlaTime = "business" | "calendar";

/** How many cases have one status. */
export interface StatusCount {
    /** The status. */
    status: CaseStatus;
    /** Cases in it. */
    count: number;
}

/**
 * What kind of storage failure happened: tells a host whether to retry,
 * repair or give up.
 *
 * - `busy`: Another connection held a lock past the store's wait: trying again later may succeed.
 * - `retryable`: The transaction lost a conflict with a concurrent one (a serialization failure, a deadlock): the store may run it again itself, and a host may retry it.
 * - `corrupt`: The stored data is damaged or is not a casebook store.
 * - `io`: Reading or writing failed (disk full, read-only file, I/O error).
 * - `unavailable`: The store cannot be reached or opened (missing path, server down, opened read-only).
 * - `other`: Any other backend failure.
 */
export type StorageErrorKind = "busy" | "retryable" | "corrupt" | "io" | "unavailable" | "other";

/**
 * The kind of record an event is about.
 *
 * - `profile`: A profile.
 * - `case`: A case.
 * - `contact`: A contact (an interaction).
 */
export type SubjectKind = "profile" | "case" | "contact";

/** The record an external record, a relation or an attachment is on. */
export type Target =
    /** A profile: its id or customer ID. */
    | { profile: string; case?: never; contact?: never }
    /** A case: its id or case number. */
    | { case: string; profile?: never; contact?: never }
    /** A contact (an interaction): its id. */
    | { contact: string; profile?: never; case?: never };

/** The editable part of a task, to add one or replace it. */
export interface TaskInput {
    /**
     * The agent who does it. Left out together with `support_group`, a
     * new task goes to the case's assignee and group.
     */
    assignee?: string;
    /** A follow-up's channel. */
    channel?: Channel;
    /** When it is due (required for a follow-up). */
    dueAt?: Timestamp;
    /** Task (the default) or follow-up. */
    kind?: TaskKind;
    /** Whether the case may not be resolved while it is open (never a follow-up). */
    mandatory?: boolean;
    /** The group that does it. */
    supportGroup?: string;
    /** What to do (required). */
    title?: string;
}

/**
 * What a task is for.
 *
 * - `task`: Work to do on the case.
 * - `follow_up`: A contact scheduled with the customer (after closure, often): it needs a due date and shows in task lists only once due.
 */
export type TaskKind = "task" | "follow_up";

/** One line of a task list: the task and the case it belongs to. */
export interface TaskListItem {
    /** The case's id. */
    caseId: Uuid;
    /** The case's number. */
    caseNumber: string;
    /** The case's summary. */
    shortDescription: string;
    /** The case's status. */
    caseStatus: CaseStatus;
    /** The case's priority. */
    priority: Priority;
    /** The task. */
    task: CaseTask;
    /** Whether its due time has passed. */
    overdue: boolean;
}

/** Whose task list to read. */
export type TaskOwner =
    /** The tasks assigned to an agent. */
    | { assignee: string; supportGroup?: never }
    /** A group's tasks that nobody is assigned to yet. */
    | { supportGroup: string; assignee?: never };

/**
 * Status of a task.
 *
 * - `open`: To do.
 * - `done`: Done.
 * - `cancelled`: Not to be done.
 */
export type TaskStatus = "open" | "done" | "cancelled";

/** The JSON shape of a template, as an administrator writes it. */
export interface TemplateDef {
    /** Template id. */
    id: string;
    /** `profile` or `case`. */
    kind: TemplateKind;
    /** Display name. */
    name: string;
    /** The fields. */
    fields: FieldSpec[];
    /** Optional description. */
    description?: string;
    /**
     * Whether a profile needs a given or a family name (default `true`);
     * `false` lets a profile be stored without a name (e.g. one known only
     * by a number, or imported from a source with gaps).
     */
    nameRequired?: boolean;
    /** Version; leave it out when loading (the engine assigns it). */
    version?: number;
}

/**
 * What a template describes.
 *
 * - `profile`: Customer profiles.
 * - `case`: Cases.
 */
export type TemplateKind = "profile" | "case";

/** The template (id and version) a record was validated against. */
export interface TemplateRef {
    /** Template id. */
    id: string;
    /** Template version (1, 2, ...). */
    version: number;
}

/** One entry of a case timeline. */
export interface TimelineEntry {
    /** Entry id. */
    id: Uuid;
    /** Kind. */
    kind: EntryKind;
    /** Author. */
    author: string;
    /** Time. */
    at: Timestamp;
    /** Text. */
    text: string;
    /** The case it came from, when it moved here in a case merge. */
    origin?: string;
}

/** An instant: RFC 3339 text in UTC, such as `2026-03-02T09:00:00Z`. */
export type Timestamp = string;

/**
 * What opening a case does about a sender no profile holds.
 *
 * - `draft`: Open the case without a requester and hand back a profile draft.
 * - `create_profile`: Create a profile from the draft and link it as requester, unless it strongly matches existing profiles (then: as `draft`, naming them).
 */
export type UnknownSender = "draft" | "create_profile";

/** A linked profile that could not be notified, and why. */
export interface UnreachedProfile {
    /** The profile. */
    profile: Uuid;
    /** Its customer ID. */
    customerId: string;
    /** Its role on the case. */
    role: LinkRole;
    /** Why (no contact point for the channel). */
    reason: string;
}

/**
 * Options of standalone validation, as hosts pass them in JSON: `null` for
 * the defaults, `true`/`false` for the draft flag alone, or an object.
 */
export interface ValidateOptions {
    /** Region (ISO 3166 alpha-2, such as `GB`) for phone numbers written without `+`. */
    defaultRegion?: string;
    /** Validate a draft: missing required fields are listed as missing, not as errors. */
    draft?: boolean;
    /** Today's date (`YYYY-MM-DD`) for `not_in_future` rules; default: the host's today. */
    today?: string;
}

/** The outcome of validating one record: normalised values and every problem. */
export interface ValidationReport {
    /** The values as they would be stored: trimmed, normalised, defaults applied. */
    values: Record<string, Value>;
    /** Every field problem, in template order (unknown fields last). */
    errors: FieldError[];
    /** Draft mode only: required fields not captured yet. */
    missing: MissingField[];
}

/** One working window of a day, half-open: `[start, end)` in local time. */
export interface WorkWindow {
    /** `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59. */
    start: string;
    /** `HH:MM` or `HH:MM:SS`; `24:00` is the end of the day. */
    end: string;
    /** The window ends on the next day (then `end` is before `start`). */
    overnight?: boolean;
}
