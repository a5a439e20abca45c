//! A customer's dashboard: their cases and contacts over a period,
//! counted by status, campaign and channel.

use super::{Casebook, Ref};
use crate::error::{Error, Result};
use crate::model::{DashboardFilter, ProfileDashboard};
use crate::store::{Store, StoreExt};

impl<S: Store> Casebook<S> {
    /// A profile's dashboard over a period (cases created, contacts started
    /// in `[from, to)`): cases by status, cases and contacts by campaign,
    /// contacts by channel, the preferred channel and the channel of the
    /// latest contact that reached the customer. A period that starts
    /// after it ends is refused with [`Error::InvalidInput`].
    ///
    /// ```
    /// use casebook::{Actor, Casebook, ContactInput, Channel, CreateOptions, DashboardFilter, ProfileInput};
    /// let cb = Casebook::in_memory();
    /// let agent = Actor::new("agent");
    /// let ada = cb.create_profile(&agent, ProfileInput {
    ///     given_name: "Ada".into(), family_name: "Lovelace".into(), ..Default::default()
    /// }, CreateOptions::default())?;
    /// let mut call = ContactInput::inbound(Channel::Voice, "+442079460958");
    /// call.profile = Some(ada.customer_id.clone());
    /// cb.log_contact(&agent, call)?;
    /// let board = cb.profile_dashboard(&ada.customer_id, DashboardFilter::default())?;
    /// assert_eq!(board.contacts, 1);
    /// assert_eq!(board.last_successful_channel, Some(Channel::Voice));
    /// # Ok::<(), casebook::Error>(())
    /// ```
    pub fn profile_dashboard<'a>(
        &self,
        profile: impl Into<Ref<'a>>,
        filter: DashboardFilter,
    ) -> Result<ProfileDashboard> {
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(Error::InvalidInput(format!(
                    "the dashboard period starts at {from}, after it ends at {to}"
                )));
            }
        }
        let profile = profile.into();
        self.store.read_with(|tx| {
            let p = self.resolve_profile(tx, profile)?;
            let cases = tx.linked_cases(p.id)?;
            // One customer's history: read whole (the store's profile index
            // narrows it to the period).
            let contacts = tx.contacts_of_profile(p.id, filter.from, filter.to, usize::MAX)?;
            Ok(ProfileDashboard::compute(
                &p,
                filter,
                cases.iter().map(|(_, case)| &**case),
                &contacts,
            ))
        })
    }
}
