//! Reports and KPIs: definitions loaded as versioned data, run over a
//! period by the store's aggregation, and the facts every case is indexed
//! by for them (built once for a store from before reports existed).

use super::{definitions, Casebook};
use crate::actor::Actor;
use crate::error::{Entity, Result};
use crate::report::{report_table, ReportDefinition, ReportPeriod, ReportTable};
use crate::store::{Store, StoreExt, StoredDefinition};

/// Definition kind of reports.
const REPORT: &str = "report";

/// Sequence holding the facts derivation every stored case follows.
const FACTS_INDEXED: &str = "case_facts_version";

/// The facts derivation in code: a store indexed by an older one (or none)
/// is indexed again when an engine opens it.
const FACTS_VERSION: u64 = 1;

/// Cases per facts-indexing transaction.
const FACTS_BATCH: usize = 500;

impl<S: Store> Casebook<S> {
    /// Loads a report definition (JSON), checked first: an unknown
    /// measure or dimension, a repeated column, an unknown time zone is
    /// [`Error::InvalidDefinition`]. A changed definition becomes the next
    /// version; the same one again changes nothing.
    pub fn load_report(&self, actor: &Actor, json: &str) -> Result<ReportDefinition> {
        actor.check()?;
        let mut def = ReportDefinition::from_json(json)?;
        let now = self.now();
        self.store.write_with(|tx| {
            let current: Option<ReportDefinition> = definitions::latest(&*tx, REPORT, &def.id)?;
            def.version = match current {
                Some(current) if current.same_definition(&def) => return Ok(current),
                Some(current) => current.version + 1,
                None => 1,
            };
            tx.put_definition(&StoredDefinition {
                kind: REPORT.into(),
                id: def.id.clone(),
                version: def.version,
                loaded_at: now,
                body: serde_json::to_value(&def)?,
            })?;
            Ok(def.clone())
        })
    }

    /// A report definition version (`None`: the latest).
    pub fn report_definition(&self, id: &str, version: Option<u32>) -> Result<ReportDefinition> {
        self.store
            .read_with(|tx| definitions::version_of(tx, REPORT, Entity::Report, id, version))
    }

    /// The latest version of every report definition, by id.
    pub fn report_definitions(&self) -> Result<Vec<ReportDefinition>> {
        self.store
            .read_with(|tx| definitions::latest_of_each(tx, REPORT))
    }

    /// Runs the latest version of a loaded report over the cases created
    /// in `period`.
    pub fn run_report(&self, id: &str, period: ReportPeriod) -> Result<ReportTable> {
        let def = self.report_definition(id, None)?;
        self.kpi_report(&def, period)
    }

    /// Runs a report definition without loading it: KPIs over the cases
    /// created in `period`, grouped by the definition's dimensions, computed
    /// by the store (SQL aggregation in the SQL stores).
    ///
    /// ```
    /// use casebook::{Actor, Casebook, CaseInput, Dimension, Measure, ReportDefinition, ReportPeriod};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent");
    /// for group in ["network", "network", "billing"] {
    ///     cb.create_case(&agent, CaseInput {
    ///         short_description: "No dial tone".into(),
    ///         support_group: Some(group.into()),
    ///         ..Default::default()
    ///     })?;
    /// }
    /// let def = ReportDefinition::from_json(r#"{
    ///     "id": "volume", "group_by": ["support_group"], "measures": ["created", "open"]
    /// }"#)?;
    /// let table = cb.kpi_report(&def, ReportPeriod::default())?;
    /// assert_eq!(table.columns, ["support_group", "created", "open"]);
    /// assert_eq!(table.rows[1], serde_json::json!(["network", 2, 2]).as_array().unwrap().clone());
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn kpi_report(&self, def: &ReportDefinition, period: ReportPeriod) -> Result<ReportTable> {
        def.check()?;
        let query = def.facts_query(&period)?;
        let groups = self.store.read_with(|tx| tx.case_kpis(&query))?;
        Ok(report_table(def, period, groups))
    }

    /// Indexes every case's report facts when the store's were derived by
    /// another version of the derivation (or never): a pass over every
    /// case, once per version.
    pub(super) fn index_facts_on_open(&self) -> Result<()> {
        if !self.store.writable()
            || self.store.read_with(|tx| tx.sequence(FACTS_INDEXED))? >= FACTS_VERSION
        {
            return Ok(());
        }
        let set = self.store.read_with(|tx| self.sla_set(tx))?;
        let mut after = None;
        loop {
            let page = self.store.read_with(|tx| tx.case_ids(after, FACTS_BATCH))?;
            let Some(last) = page.last().copied() else {
                break;
            };
            self.store.write_bulk_with(|tx| {
                for case in tx.cases(&page)? {
                    let facts = self.case_facts_in(&*tx, &set, &case)?;
                    tx.put_case_facts(&facts)?;
                }
                Ok(())
            })?;
            after = Some(last);
        }
        self.store
            .write_with(|tx| tx.raise_sequence(FACTS_INDEXED, FACTS_VERSION))
    }
}
