//! Differential checks: the same operations on a store and on the memory
//! store give the same answers, lookup by lookup.

use crate::fixtures::{
    self, case_numbers, emailed_person, engine, open_case, plain_case, requester_id, Rng,
};
use casebook::store::{Store, StoreExt};
use casebook::*;

/// `1..=most` words picked from `items`, joined by spaces.
fn random_words(rng: &mut Rng, items: &[&str], most: usize) -> String {
    let n = 1 + rng.below(most);
    (0..n)
        .map(|_| *rng.pick(items))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every operation and every lookup of the storage trait, with ordinary and
/// hostile arguments, answers as on the memory store.
pub fn answers_match_the_memory_store<S: Store>(store: S) {
    let mem = engine(MemoryStore::new());
    let sql = engine(store);
    // Runs the same operation on both engines and expects the same outcome.
    macro_rules! both {
        ($cb:ident => $e:expr) => {{
            let a = {
                let $cb = &mem;
                $e
            };
            let b = {
                let $cb = &sql;
                $e
            };
            assert_eq!(a, b);
            a
        }};
    }
    let given = [
        "Ada", "Zoë", "Zoe", "José", "Ann", "Anne", "Annika", "O'Brien", "Łukasz",
    ];
    let family = [
        "Lovelace", "Müller", "Mueller", "Smith", "Smithson", "Ng", "García",
    ];
    let words = [
        "router",
        "route",
        "routing",
        "signal",
        "no",
        "light",
        "Zoë",
        "fibre",
        "fiber",
        "a",
        "ab",
        "abc",
        "x1",
        "2026",
        "AND",
        "or",
        "NEAR",
        "\"quoted\"",
        "star*",
        "(paren)",
    ];
    let mut rng = Rng::new(7);
    let mut profiles: Vec<Profile> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    for i in 0..30 {
        let (given_name, family_name) = (*rng.pick(&given), *rng.pick(&family));
        let input = emailed_person(given_name, family_name, &format!("p{i}@example.org"));
        if let Ok(p) = both!(cb => cb.create_profile(&Actor::new("agent"), input.clone(), CreateOptions { allow_duplicates: true }))
        {
            profiles.push(p);
        }
    }
    for _ in 0..40 {
        let summary = random_words(&mut rng, &words, 4);
        let owner = profiles[rng.below(profiles.len())].customer_id.clone();
        cases.push(both!(cb => open_case(cb, plain_case(&summary, vec![requester_id(&owner)]))));
    }
    for _ in 0..30 {
        let case = cases[rng.below(cases.len())].id;
        let text = random_words(&mut rng, &words, 3);
        both!(cb => cb.add_case_entry(&Actor::new("agent"), case, EntryKind::Comment, &text))
            .unwrap();
    }
    for _ in 0..40 {
        let who = profiles[rng.below(profiles.len())].customer_id.clone();
        let case = cases[rng.below(cases.len())].number.clone();
        let minutes = rng.below(600) as i64 - 300;
        let started = fixtures::start_time() + jiff::SignedDuration::from_mins(minutes);
        let input = ContactInput {
            profile: Some(who),
            cases: if rng.below(2) == 0 {
                vec![case]
            } else {
                vec![]
            },
            started_at: Some(started),
            ..ContactInput::inbound(Channel::Voice, "+44 20 7946 0958")
        };
        both!(cb => cb.log_contact(&Actor::new("agent"), input.clone())).unwrap();
    }
    for _ in 0..15 {
        let a = profiles[rng.below(profiles.len())].id;
        let b = profiles[rng.below(profiles.len())].id;
        let _ = both!(cb => cb.relate(&Actor::new("agent"), RelationInput::new(a.to_string(), b.to_string(), "friend", "friend")));
    }
    for _ in 0..5 {
        let a = profiles[rng.below(profiles.len())].customer_id.clone();
        let b = profiles[rng.below(profiles.len())].customer_id.clone();
        let _ = both!(cb => cb.merge(&Actor::new("agent"), &MergePlan::new(a.as_str(), b.as_str())).map(|o| o.merge_id));
    }
    assert_eq!(
        mem.export_snapshot().unwrap(),
        sql.export_snapshot().unwrap()
    );

    // Every lookup of the storage trait, with ordinary and hostile arguments.
    macro_rules! same {
        ($tx:ident => $e:expr) => {{
            let a = mem.store().read_with(|$tx| $e);
            let b = sql.store().read_with(|$tx| $e);
            assert_eq!(a, b, "{}", stringify!($e));
        }};
    }
    let mut token_lists: Vec<Vec<String>> = [
        vec!["router"],
        vec!["rou"],
        vec!["ROUTER"],
        vec![""],
        vec!["no", ""],
        vec!["", "no"],
        vec!["\"", "*"],
        vec!["and"],
        vec!["or", "not"],
        vec!["near("],
        vec!["a-b"],
        vec!["router", "sig"],
        vec!["zoe", "fib"],
        vec!["zzz"],
        vec!["a"],
        vec!["quoted", "star"],
        vec!["cs000"],
        vec!["router", "route", "rout"],
    ]
    .iter()
    .map(|l| l.iter().map(|t| t.to_string()).collect())
    .collect();
    for _ in 0..40 {
        token_lists.push(text::tokens(&random_words(&mut rng, &words, 3)));
    }
    for tokens in &token_lists {
        for limit in [0, 1, 3, 1000] {
            same!(tx => tx.search_cases(tokens, limit));
        }
    }
    for prefix in [
        "",
        "a",
        "an",
        "ann",
        "anne",
        "zo",
        "zoe",
        "jo",
        "o",
        "l",
        "ł",
        "A",
        "x",
        "mu",
        "mue",
        "smith",
        "\u{10FFFF}",
        "%",
        "_",
    ] {
        for limit in [0, 1, 2, 1000] {
            same!(tx => tx.profiles_by_name_prefix(prefix, limit));
        }
    }
    let mut after = None;
    loop {
        let a = mem
            .store()
            .read_with(|tx| tx.profile_ids(after, 4))
            .unwrap();
        same!(tx => tx.profile_ids(after, 4));
        same!(tx => tx.profiles_page(after, 4));
        match a.last() {
            Some(last) => after = Some(*last),
            None => break,
        }
    }
    same!(tx => tx.profile_count());
    same!(tx => tx.case_count());
    same!(tx => tx.template_refs());
    same!(tx => tx.latest_template_version("support_case"));
    same!(tx => tx.latest_template_version("nothing"));
    same!(tx => tx.sequence("customer_id"));
    same!(tx => tx.audit(None));
    for p in &profiles {
        let index = mem
            .store()
            .read_with(|tx| tx.profile_index(p.id))
            .unwrap()
            .unwrap_or_default();
        for key in &index.keys {
            same!(tx => tx.profiles_by_key(key));
        }
        same!(tx => tx.profile_index(p.id));
        same!(tx => tx.profile_id_by_customer_id(&p.customer_id));
        same!(tx => tx.linked_cases(p.id));
        same!(tx => tx.links_of_profile(p.id));
        same!(tx => tx.relations_of(p.id));
        same!(tx => tx.audit(Some(p.id)));
        for (from, to) in [
            (None, None),
            (Some(-60), None),
            (None, Some(0)),
            (Some(-120), Some(120)),
        ] {
            let at = |m: Option<i64>| {
                m.map(|m| fixtures::start_time() + jiff::SignedDuration::from_mins(m))
            };
            for limit in [1, 3, 1000] {
                same!(tx => tx.contacts_of_profile(p.id, at(from), at(to), limit));
            }
        }
    }
    let case_ids: Vec<_> = cases.iter().map(|c| c.id).collect();
    same!(tx => tx.cases(&case_ids));
    for c in &cases {
        same!(tx => tx.case_id_by_number(&c.number));
        same!(tx => tx.links_of_case(c.id));
        same!(tx => tx.contacts_of_case(c.id));
    }
    same!(tx => tx.profiles_by_key("email:nobody@example.org"));
    assert_eq!(sql.store().self_check().unwrap(), Vec::<String>::new());
    fixtures::no_invariant_problems(&sql);
}

/// Prefixes matching few and many terms (a store may expand a prefix to
/// the terms it starts up to a limit, then use its own prefix query):
/// either way the memory store's answers.
pub fn prefixes_with_few_and_many_terms_match_the_memory_store<S: Store>(store: S) {
    let mem = engine(MemoryStore::new());
    let sql = engine(store);
    for i in 0..150 {
        let summary = format!("serial sn{i:03} bay{} ", i % 7);
        open_case(&mem, plain_case(&summary, vec![]));
        open_case(&sql, plain_case(&summary, vec![]));
    }
    for words in [
        "sn",
        "sn1",
        "sn12",
        "sn149",
        "serial sn",
        "bay3 sn1",
        "sn2",
        "sn9",
        "bay",
        "serial bay6",
    ] {
        assert_eq!(
            case_numbers(&sql, words),
            case_numbers(&mem, words),
            "{words}"
        );
    }
    assert_eq!(case_numbers(&sql, "sn").len(), 50);
    assert!(case_numbers(&sql, "sn9").is_empty());
}
