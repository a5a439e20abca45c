//! Routing in the engine: loading the routing rules (versioned), routing a
//! new case that names neither a support group nor an assignee, and the
//! priority a rule or an agent sets over the matrix, on the timeline.

use super::ids::Ids;
use super::{definitions, Casebook};
use crate::actor::Actor;
use crate::error::Result;
use crate::model::{Case, CaseInput, EntryKind, Priority, RoutedBy, TimelineEntry};
use crate::routing::{RoutingDecision, RoutingFacts, RoutingRules, RoutingRulesDef};
use crate::store::{ReadTx, Store, StoreExt};
use crate::template::{Mode, TemplateKind};
use jiff::Timestamp;
use std::sync::{Arc, RwLock};

const ROUTING: &str = "routing";
const RULES_ID: &str = "rules";
/// Counts loads of routing rules: a changed count tells every engine
/// sharing the store that its cached rules are stale.
const RULES_SEQUENCE: &str = "routing_rules";

/// The cached routing rules and the load count they were read at.
pub(super) type RoutingCache = RwLock<Option<(u64, Arc<RoutingRules>)>>;

/// The facts a routing decision is made on.
fn facts_of(case: &Case) -> RoutingFacts<'_> {
    RoutingFacts {
        channel: case.channel,
        category: case.category.as_deref(),
        product: case.product.as_deref(),
        campaign: case.campaign.as_deref(),
        template: case.template.as_ref().map(|t| t.id.as_str()),
        impact: case.impact,
        urgency: case.urgency,
        priority: case.priority,
        fields: &case.fields,
    }
}

impl<S: Store> Casebook<S> {
    /// Loads the routing rules from their JSON definition (ordered rules,
    /// the first that matches deciding), checked against the loaded case
    /// templates. A changed definition makes a new version; an unchanged
    /// one returns the current. A bad definition is refused with
    /// [`crate::Error::InvalidDefinition`] and changes nothing.
    ///
    /// ```
    /// use casebook::{Actor, CaseInput, Casebook};
    /// let cb = Casebook::in_memory();
    /// let admin = Actor::new("admin");
    /// cb.load_routing_rules(&admin, r#"{"rules": [
    ///   {"name": "billing", "when": {"categories": ["billing"]},
    ///    "route": {"support_group": "billing-desk", "priority": 2}}
    /// ]}"#)?;
    /// let case = cb.create_case(&admin, CaseInput {
    ///     short_description: "Invoice twice".into(),
    ///     category: Some("Billing".into()),
    ///     ..CaseInput::default()
    /// })?;
    /// assert_eq!(case.support_group.as_deref(), Some("billing-desk"));
    /// assert_eq!(case.priority.0, 2);
    /// assert_eq!(case.routed_by.unwrap().rule, "billing");
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn load_routing_rules(&self, actor: &Actor, json: &str) -> Result<RoutingRulesDef> {
        actor.check()?;
        let mut def = RoutingRulesDef::from_json(json)?;
        def.version = None;
        let now = self.now();
        self.store.write_with(|tx| {
            self.compile_routing(&*tx, def.clone())?;
            let key = (ROUTING, RULES_ID, RULES_SEQUENCE);
            let version = definitions::store_rule_document(tx, key, &def, now)?;
            let mut loaded = def.clone();
            loaded.version = Some(version);
            Ok(loaded)
        })
    }

    /// The routing rules in force (none, without a version, until rules
    /// are loaded).
    pub fn routing_rules(&self) -> Result<RoutingRulesDef> {
        self.store
            .read_with(|tx| Ok(self.routing_in(tx)?.def().clone()))
    }

    /// Where the routing rules would send a new case made of `input`
    /// (cleaned and validated as [`Casebook::create_case`] would), without
    /// creating it. `None`: no rule matches, or the input names a support
    /// group or an assignee itself (then no rule is asked).
    pub fn route_case(&self, input: &CaseInput) -> Result<Option<RoutingDecision>> {
        let now = self.now();
        self.store.read_with(|tx| {
            let prepared = self
                .prepare_case(tx, input, Mode::Create, None, now)?
                .accepted()?;
            let case = self.case_from(
                self.blank_case(uuid::Uuid::nil(), String::new(), "", now, None),
                prepared,
            );
            if case.support_group.is_some() || case.assignee.is_some() {
                return Ok(None);
            }
            Ok(self.routing_in(tx)?.decide(&facts_of(&case)))
        })
    }

    /// Routes a new case that names neither a support group nor an
    /// assignee: the first matching rule sets its group, its assignee and
    /// (unless set by hand) its priority.
    pub(super) fn route_new_case(&self, tx: &dyn ReadTx, case: &mut Case) -> Result<()> {
        if case.support_group.is_some() || case.assignee.is_some() {
            return Ok(());
        }
        let Some(decision) = self.routing_in(tx)?.decide(&facts_of(case)) else {
            return Ok(());
        };
        case.support_group = Some(decision.support_group);
        case.assignee = decision.assignee;
        if case.priority_override.is_none() {
            if let Some(priority) = decision.priority {
                case.priority_override = Some(priority);
                case.priority = priority;
            }
        }
        case.routed_by = Some(RoutedBy {
            rule: decision.rule,
            version: decision.version,
        });
        Ok(())
    }

    /// Records on the timeline a change of the priority override between
    /// `before` and the case as it now stands; `by_rule`: the routing rule
    /// that set it.
    pub(super) fn record_priority_override(
        &self,
        ids: &mut Ids<'_>,
        case: &mut Case,
        before: Option<Priority>,
        by_rule: Option<&str>,
        (by, now): (&str, Timestamp),
    ) {
        if case.priority_override == before {
            return;
        }
        let matrix = self
            .config
            .priority_matrix
            .priority(case.impact, case.urgency);
        let text = match (case.priority_override, by_rule) {
            (None, _) => format!("Priority back to the impact × urgency matrix: {matrix}"),
            (Some(p), Some(rule)) => {
                format!("Priority {p} set by routing rule `{rule}` (the matrix gives {matrix})")
            }
            (Some(p), None) => format!("Priority {p} set by hand (the matrix gives {matrix})"),
        };
        case.timeline.push(TimelineEntry {
            id: ids.next(),
            kind: EntryKind::PriorityChange,
            author: by.to_string(),
            at: now,
            text,
            origin: None,
        });
    }

    fn compile_routing(&self, tx: &dyn ReadTx, def: RoutingRulesDef) -> Result<RoutingRules> {
        let template_exists = |id: &str| {
            self.template_in(tx, id, None)
                .is_ok_and(|t| t.kind == TemplateKind::Case)
        };
        RoutingRules::new(def, &template_exists)
    }

    /// The rules in force, from the cache while no engine has loaded new ones.
    pub(super) fn routing_in(&self, tx: &dyn ReadTx) -> Result<Arc<RoutingRules>> {
        let loads = tx.sequence(RULES_SEQUENCE)?;
        if let Some((seen, rules)) = self.routing.read().ok().and_then(|c| c.clone()) {
            if seen == loads {
                return Ok(rules);
            }
        }
        let def = match tx.definitions(ROUTING)?.pop() {
            Some(stored) => {
                let mut def: RoutingRulesDef = serde_json::from_value(stored.body)?;
                def.version = Some(stored.version);
                def
            }
            None => RoutingRulesDef::default(),
        };
        // Stored rules were checked when loaded; a template removed since
        // only stops its rules from matching.
        let rules = Arc::new(RoutingRules::new(def, &|_| true)?);
        if let Ok(mut cache) = self.routing.write() {
            *cache = Some((loads, rules.clone()));
        }
        Ok(rules)
    }
}
