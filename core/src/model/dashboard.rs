//! A customer's dashboard: how their cases and contacts break down by
//! status, campaign and channel over a period, with the channel they
//! prefer and the one that last reached them.

use super::{CaseStatus, Channel};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The period a dashboard covers: cases created and contacts started in
/// `[from, to)`; either end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DashboardFilter {
    /// Start (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub from: Option<Timestamp>,
    /// End (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub to: Option<Timestamp>,
}

impl DashboardFilter {
    /// Whether an instant falls in the period.
    pub fn holds(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at < to)
    }
}

/// How many cases have one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusCount {
    /// The status.
    pub status: CaseStatus,
    /// Cases in it.
    pub count: u64,
}

/// Cases and contacts of one campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CampaignCount {
    /// The campaign (`null`: none).
    pub campaign: Option<String>,
    /// Cases of the campaign.
    pub cases: u64,
    /// Contacts of the campaign.
    pub contacts: u64,
}

/// Contacts on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Contacts on it, both directions.
    pub contacts: u64,
    /// Those that reached the customer.
    pub successful: u64,
}

/// A customer's dashboard over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileDashboard {
    /// Internal id of the profile.
    pub profile: Uuid,
    /// Its customer ID.
    pub customer_id: String,
    /// The period.
    pub filter: DashboardFilter,
    /// Cases linked to the profile in the period, whatever their role.
    pub cases: u64,
    /// Of them, how many have each status (in the workflow's order; only
    /// statuses with cases).
    pub cases_by_status: Vec<StatusCount>,
    /// Cases and contacts by campaign (by name, no campaign last).
    pub by_campaign: Vec<CampaignCount>,
    /// Contacts in the period.
    pub contacts: u64,
    /// Contacts by channel (most first, then by name).
    pub contacts_by_channel: Vec<ChannelCount>,
    /// The channel the customer prefers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_channel: Option<Channel>,
    /// The channel of the latest contact in the period that reached them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_successful_channel: Option<Channel>,
    /// When that contact started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Instant>"))]
    pub last_successful_at: Option<Timestamp>,
}

impl ProfileDashboard {
    /// The dashboard of `profile` from its linked cases and its contacts
    /// (most recent first), keeping those of the period.
    pub fn compute<'a>(
        profile: &super::Profile,
        filter: DashboardFilter,
        cases: impl IntoIterator<Item = &'a super::Case>,
        contacts_newest_first: impl IntoIterator<Item = &'a super::Contact>,
    ) -> ProfileDashboard {
        let mut statuses = [0u64; CaseStatus::ALL.len()];
        let mut campaigns: BTreeMap<Option<&str>, (u64, u64)> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for case in cases {
            if !filter.holds(case.created_at) || !seen.insert(case.id) {
                continue;
            }
            if let Some(i) = CaseStatus::ALL.iter().position(|s| *s == case.status) {
                statuses[i] += 1;
            }
            campaigns.entry(case.campaign.as_deref()).or_default().0 += 1;
        }
        let mut channels: Vec<ChannelCount> = Vec::new();
        let mut contacts = 0;
        let mut last_successful = None;
        for contact in contacts_newest_first {
            if !filter.holds(contact.started_at) {
                continue;
            }
            contacts += 1;
            campaigns.entry(contact.campaign.as_deref()).or_default().1 += 1;
            let successful = contact.outcome.is_successful();
            if successful && last_successful.is_none() {
                last_successful = Some((contact.channel, contact.started_at));
            }
            let at = match channels.iter().position(|c| c.channel == contact.channel) {
                Some(at) => at,
                None => {
                    channels.push(ChannelCount {
                        channel: contact.channel,
                        contacts: 0,
                        successful: 0,
                    });
                    channels.len() - 1
                }
            };
            channels[at].contacts += 1;
            channels[at].successful += u64::from(successful);
        }
        channels.sort_by(|a, b| {
            b.contacts
                .cmp(&a.contacts)
                .then_with(|| a.channel.as_str().cmp(b.channel.as_str()))
        });
        // `None` sorts first in a map; a dashboard lists "no campaign" last.
        let (named, none): (Vec<_>, Vec<_>) = campaigns
            .into_iter()
            .map(|(campaign, (cases, contacts))| CampaignCount {
                campaign: campaign.map(str::to_string),
                cases,
                contacts,
            })
            .partition(|c| c.campaign.is_some());
        ProfileDashboard {
            profile: profile.id,
            customer_id: profile.customer_id.clone(),
            filter,
            cases: seen.len() as u64,
            cases_by_status: CaseStatus::ALL
                .iter()
                .zip(statuses)
                .filter(|(_, count)| *count > 0)
                .map(|(status, count)| StatusCount {
                    status: *status,
                    count,
                })
                .collect(),
            by_campaign: named.into_iter().chain(none).collect(),
            contacts,
            contacts_by_channel: channels,
            preferred_channel: profile.preferred_channel,
            last_successful_channel: last_successful.map(|(channel, _)| channel),
            last_successful_at: last_successful.map(|(_, at)| at),
        }
    }
}
