//! A customer's dashboard over a store: cases and contacts of a period,
//! by status, campaign and channel, whatever the case role.

use crate::fixtures::*;
use casebook::store::Store;
use casebook::*;
use jiff::Timestamp;
use std::sync::Arc;

fn at(text: &str) -> Timestamp {
    text.parse().expect("valid timestamp")
}

/// Cases are counted by the period of their creation, contacts by their
/// start; the last successful contact ignores missed calls; a reversed
/// period is refused.
pub fn dashboard_counts_the_period<S: Store>(store: S) {
    let clock = Arc::new(ManualClock::new(at("2026-03-02T09:00:00Z")));
    let cb = Casebook::builder(store)
        .config(config())
        .clock(clock.clone())
        .build()
        .expect("engine");
    for template in [RETAIL_CUSTOMER, SUPPORT_CASE] {
        cb.load_template(&Actor::new("admin"), template).unwrap();
    }
    let agent = Actor::new("agent");
    let ada = cb
        .create_profile(
            &agent,
            ProfileInput {
                preferred_channel: Some(Channel::Email),
                ..person("Ada", "Lovelace")
            },
            ALLOW,
        )
        .unwrap();
    let bob = cb
        .create_profile(&agent, person("Bob", "Byron"), ALLOW)
        .unwrap();
    let case = |summary: &str, campaign: Option<&str>, links: Vec<LinkInput>| {
        cb.create_case(
            &agent,
            CaseInput {
                campaign: campaign.map(str::to_string),
                ..plain_case(summary, links)
            },
        )
        .unwrap()
    };
    // Before the period.
    case("Old bill", None, vec![requester(&ada)]);
    clock.set(at("2026-04-01T10:00:00Z"));
    let spring = case("Router", Some("spring-offer"), vec![requester(&ada)]);
    case(
        "Household move",
        Some("spring-offer"),
        vec![requester(&bob), linked(&ada, LinkRole::Affected)],
    );
    case("Not Ada's", Some("spring-offer"), vec![requester(&bob)]);
    cb.set_case_status(
        &agent,
        spring.id,
        spring.version,
        CaseStatus::InProgress,
        None,
    )
    .unwrap();

    let contact =
        |channel: Channel, start: &str, outcome: ContactOutcome, campaign: Option<&str>| {
            cb.log_contact(
                &agent,
                ContactInput {
                    profile: Some(ada.customer_id.clone()),
                    started_at: Some(at(start)),
                    outcome,
                    campaign: campaign.map(str::to_string),
                    ..ContactInput::inbound(channel, "+44 20 7946 0958")
                },
            )
            .unwrap()
        };
    contact(
        Channel::Sms,
        "2026-03-15T10:00:00Z",
        ContactOutcome::Completed,
        None,
    );
    contact(
        Channel::Voice,
        "2026-04-02T10:00:00Z",
        ContactOutcome::Completed,
        None,
    );
    contact(
        Channel::Email,
        "2026-04-03T10:00:00Z",
        ContactOutcome::Completed,
        Some("spring-offer"),
    );
    contact(
        Channel::Voice,
        "2026-04-04T10:00:00Z",
        ContactOutcome::NoAnswer,
        None,
    );
    contact(
        Channel::Voice,
        "2026-05-04T10:00:00Z",
        ContactOutcome::Completed,
        None,
    );

    let april = DashboardFilter {
        from: Some(at("2026-04-01T00:00:00Z")),
        to: Some(at("2026-05-01T00:00:00Z")),
    };
    let board = cb.profile_dashboard(&ada.customer_id, april).unwrap();
    assert_eq!(board.customer_id, ada.customer_id);
    assert_eq!(board.cases, 2);
    assert_eq!(
        board.cases_by_status,
        vec![
            StatusCount {
                status: CaseStatus::New,
                count: 1
            },
            StatusCount {
                status: CaseStatus::InProgress,
                count: 1
            },
        ]
    );
    assert_eq!(
        board.by_campaign,
        vec![
            CampaignCount {
                campaign: Some("spring-offer".into()),
                cases: 2,
                contacts: 1
            },
            CampaignCount {
                campaign: None,
                cases: 0,
                contacts: 2
            },
        ]
    );
    assert_eq!(board.contacts, 3);
    assert_eq!(
        board.contacts_by_channel,
        vec![
            ChannelCount {
                channel: Channel::Voice,
                contacts: 2,
                successful: 1
            },
            ChannelCount {
                channel: Channel::Email,
                contacts: 1,
                successful: 1
            },
        ]
    );
    assert_eq!(board.preferred_channel, Some(Channel::Email));
    // The missed call of 4 April is later, but it did not reach her.
    assert_eq!(board.last_successful_channel, Some(Channel::Email));
    assert_eq!(board.last_successful_at, Some(at("2026-04-03T10:00:00Z")));

    let all = cb
        .profile_dashboard(ada.id, DashboardFilter::default())
        .unwrap();
    assert_eq!((all.cases, all.contacts), (3, 5));
    assert_eq!(all.last_successful_channel, Some(Channel::Voice));
    let bobs = cb.profile_dashboard(&bob.customer_id, april).unwrap();
    assert_eq!((bobs.cases, bobs.contacts), (2, 0));
    assert_eq!(bobs.last_successful_channel, None);

    let reversed = DashboardFilter {
        from: april.to,
        to: april.from,
    };
    let err = cb.profile_dashboard(ada.id, reversed).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let empty = DashboardFilter {
        from: april.from,
        to: april.from,
    };
    assert_eq!(cb.profile_dashboard(ada.id, empty).unwrap().cases, 0);
    let missing = cb
        .profile_dashboard("C404", DashboardFilter::default())
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    // A later period is empty, not an error.
    let later = DashboardFilter {
        from: Some(at("2036-04-01T00:00:00Z")),
        to: None,
    };
    assert_eq!(cb.profile_dashboard(ada.id, later).unwrap().contacts, 0);
}
