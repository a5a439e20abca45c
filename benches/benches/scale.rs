//! Scale benchmarks: every figure side by side with its floor or peer, in
//! one run, at several store sizes.
//!
//! ```text
//! cargo bench -p casebook-benches --bench scale              # 10k, 100k, 1M profiles
//! cargo bench -p casebook-benches --bench scale -- --quick   # small sizes, seconds
//! ```
//!
//! With `--features postgres` (run beside a server: `scripts/with-postgres
//! cargo bench -p casebook-benches --features postgres --bench scale`) the
//! PostgreSQL store is measured too.
//!
//! Run without `--bench` (as `cargo test --benches` does) it takes the quick
//! sizes, so the test command keeps it compiling and working. Results are
//! printed and written to `target/bench-results/scale.json`.

use casebook::store::{Store, StoreExt};
use casebook::*;
use casebook_benches::measure::{live_bytes, race, Contender, CountingAllocator, Results, Stats};
use casebook_benches::{quality, DatasetSpec, Generator, Rng};
use std::collections::HashMap;
use std::time::Instant;

#[cfg(feature = "postgres")]
#[path = "scale/postgres.rs"]
mod postgres;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const RETAIL_CUSTOMER: &str = include_str!("../../core/examples/templates/retail_customer.json");
const SUPPORT_CASE: &str = include_str!("../../core/examples/templates/support_case.json");

struct Plan {
    quick: bool,
    sizes: Vec<usize>,
    rounds: usize,
    queries: usize,
    /// Cases and contacts of the merged profile, one merge per pair.
    merges: Vec<(usize, usize)>,
}

impl Plan {
    fn from_args() -> Plan {
        let args: Vec<String> = std::env::args().collect();
        let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
        if quick {
            Plan {
                quick,
                sizes: vec![1_000, 5_000],
                rounds: 2,
                queries: 300,
                merges: vec![(100, 1_000)],
            }
        } else {
            Plan {
                quick,
                sizes: vec![10_000, 100_000, 1_000_000],
                rounds: 5,
                queries: 2_000,
                merges: vec![(100, 1_000), (1_000, 10_000)],
            }
        }
    }
}

fn engine<S: Store>(store: S) -> Casebook<S> {
    let cb = Casebook::builder(store)
        .config(Config {
            default_region: Some("GB".into()),
            ..Config::default()
        })
        .clock(std::sync::Arc::new(ManualClock::new(
            "2026-06-01T09:00:00Z".parse().expect("timestamp"),
        )))
        // Time-ordered like the default ids (`RandomIds`), yet repeatable.
        .ids(std::sync::Arc::new(SeededIds::time_ordered(
            11,
            "2026-06-01T09:00:00Z".parse().expect("timestamp"),
        )))
        .build()
        .expect("engine");
    cb.load_template(&Actor::new("admin"), RETAIL_CUSTOMER)
        .expect("profile template");
    cb.load_template(&Actor::new("admin"), SUPPORT_CASE)
        .expect("case template");
    cb
}

const PRODUCTS: &[&str] = &[
    "router",
    "broadband",
    "tv box",
    "mobile",
    "landline",
    "invoice",
    "sim card",
    "modem",
    "mesh wifi",
    "smart meter",
];
const PROBLEMS: &[&str] = &[
    "no signal",
    "slow speed",
    "overcharged",
    "not delivered",
    "keeps rebooting",
    "cannot log in",
    "dropped calls",
    "wrong address",
    "damaged on arrival",
    "refund requested",
];

fn case_text(rng: &mut Rng) -> String {
    format!(
        "{} {} ref SN{}",
        rng.pick(PRODUCTS),
        rng.pick(PROBLEMS),
        rng.digits(7)
    )
}

/// A fault case of the example case template, requested by `profile`.
fn support_case(rng: &mut Rng, profile: &str) -> CaseInput {
    CaseInput {
        template: Some("support_case".into()),
        short_description: case_text(rng),
        fields: [("reason".to_string(), serde_json::json!("fault"))]
            .into_iter()
            .collect(),
        links: vec![LinkInput {
            profile: profile.to_string(),
            role: LinkRole::Requester,
        }],
        ..CaseInput::default()
    }
}

/// What one size's store holds, for building queries.
struct Loaded {
    /// Customer ID of each record, in record order.
    customer_ids: Vec<String>,
    /// Mobile (E.164) of people with exactly one record: one profile answers.
    unique_mobiles: Vec<String>,
    /// The dataset (ground truth for duplicate quality).
    data: casebook_benches::Dataset,
}

fn dataset(people: usize) -> casebook_benches::Dataset {
    let mut gen = Generator::new(2026);
    let mut data = gen.dataset(&DatasetSpec::small(people));
    for record in &mut data.records {
        record.template = Some("retail_customer".into());
        record.fields = gen.custom_fields();
    }
    data
}

fn import_all<S: Store>(
    cb: &Casebook<S>,
    data: &casebook_benches::Dataset,
    results: &mut Results,
    label: &str,
) -> Vec<String> {
    let options = ImportOptions {
        batch_size: 10_000,
        ..ImportOptions::default()
    };
    let n = data.records.len();
    let start = Instant::now();
    let report = cb
        .import_inputs(
            &Actor::new("loader"),
            data.records.iter().cloned(),
            &options,
            None,
        )
        .expect("import");
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(report.rejected, 0, "{:?}", report.rejections.first());
    results.add(
        "import_profiles",
        n,
        &format!("{label} profiles/s"),
        n as f64 / secs,
        "1/s",
    );
    (1..=n as u64)
        .map(|i| cb.config().customer_id_format.format(i))
        .collect()
}

fn load_memory(plan: &Plan, people: usize, results: &mut Results) -> (Casebook, Loaded) {
    let data = dataset(people);
    // People with one record whose mobile no other record holds (random
    // mobiles do collide in a million records): one profile answers.
    let national = |number: &str| -> String {
        let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
        digits[digits.len().saturating_sub(10)..].iter().collect()
    };
    let mut holders: HashMap<String, usize> = HashMap::new();
    for record in &data.records {
        for point in record
            .contact_points
            .iter()
            .filter(|p| p.kind == ContactKind::Phone)
        {
            *holders.entry(national(&point.value)).or_default() += 1;
        }
    }
    let mut records_of = vec![0usize; data.people.len()];
    for &p in &data.person_of {
        records_of[p] += 1;
    }
    let mut unique_mobiles: Vec<String> = data
        .people
        .iter()
        .enumerate()
        .filter(|(i, p)| records_of[*i] == 1 && holders.get(&national(&p.mobile)) == Some(&1))
        .map(|(_, p)| p.mobile.clone())
        .collect();
    drop(holders);
    let mut rng = Rng::new(5);
    shuffle(&mut rng, &mut unique_mobiles);
    unique_mobiles.truncate(plan.queries);

    let before = live_bytes();
    let cb = engine(MemoryStore::new());
    let customer_ids = import_all(&cb, &data, results, "memory store");
    let n = data.records.len();
    results.add(
        "memory_per_profile",
        n,
        "memory store heap bytes/profile",
        (live_bytes() - before) as f64 / n as f64,
        "B",
    );
    let sample: Vec<&String> = customer_ids.iter().step_by((n / 1000).max(1)).collect();
    let json_bytes: usize = sample
        .iter()
        .map(|id| {
            serde_json::to_vec(&cb.profile(id.as_str()).expect("profile"))
                .map(|v| v.len())
                .unwrap_or(0)
        })
        .sum();
    results.add(
        "memory_per_profile",
        n,
        "profile as JSON, bytes (reference)",
        json_bytes as f64 / sample.len() as f64,
        "B",
    );
    (
        cb,
        Loaded {
            customer_ids,
            unique_mobiles,
            data,
        },
    )
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// Cases created per transaction (`create_cases`), like the import batches.
const CASE_BATCH: usize = 10_000;

fn add_cases<S: Store>(cb: &Casebook<S>, loaded: &Loaded, results: &mut Results, label: &str) {
    add_cases_n(cb, loaded, loaded.customer_ids.len(), results, label)
}

fn add_cases_n<S: Store>(
    cb: &Casebook<S>,
    loaded: &Loaded,
    n: usize,
    results: &mut Results,
    label: &str,
) {
    let mut rng = Rng::new(9);
    let profiles = loaded.customer_ids.len();
    let start = Instant::now();
    let mut made = 0;
    while made < n {
        let batch: Vec<CaseInput> = (made..n.min(made + CASE_BATCH))
            .map(|_| {
                let profile = &loaded.customer_ids[rng.below(profiles)];
                support_case(&mut rng, profile)
            })
            .collect();
        made += cb
            .create_cases(&Actor::new("loader"), batch)
            .expect("cases")
            .len();
    }
    results.add(
        "create_case",
        n,
        &format!("{label} cases/s"),
        n as f64 / start.elapsed().as_secs_f64(),
        "1/s",
    );
}

fn recognize_bench<S: Store>(
    plan: &Plan,
    cb: &Casebook<S>,
    loaded: &Loaded,
    results: &mut Results,
) {
    // The floor: a HashMap from a pre-normalised number to its profile.
    let floor: HashMap<String, usize> = loaded
        .data
        .records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.contact_points
                .iter()
                .filter(|p| p.kind == ContactKind::Phone)
                .map(move |p| (p.value.clone(), i))
        })
        .collect();
    let n = loaded.customer_ids.len();
    let stats = race(
        &loaded.unique_mobiles,
        plan.rounds,
        &mut [
            Contender::new("hashmap floor", |q: &String| {
                floor.get(q.as_str()).copied().unwrap_or(0)
            }),
            Contender::new("memory lookup", |q: &String| lookup_phone(cb, q)),
            Contender::new("memory recognize", |q: &String| recognize_known(cb, q)),
        ],
    );
    report_against_floor(
        results,
        n,
        ["hashmap floor", "memory lookup", "memory recognize"],
        &stats,
    );
}

/// Normalises a number and finds its profiles through the store's index.
fn lookup_phone<S: Store>(cb: &Casebook<S>, number: &str) -> usize {
    let key = cb.address_key(Channel::Voice, number).expect("phone key");
    cb.store()
        .read_with(|tx| tx.profiles_by_key(&key))
        .expect("lookup")
        .len()
}

/// The whole screen pop for a number that names one profile.
fn recognize_known<S: Store>(cb: &Casebook<S>, number: &str) -> usize {
    match cb.recognize(Channel::Voice, number).expect("recognize") {
        Recognition::Known { open_cases, .. } => 1 + open_cases.len(),
        _ => panic!("a unique mobile must be recognised as one profile"),
    }
}

/// Each contender's statistics, and its median over the floor's (the first).
fn report_against_floor(results: &mut Results, n: usize, names: [&str; 3], stats: &[Stats]) {
    for (name, s) in names.iter().zip(stats) {
        results.add_stats("recognize_phone", n, name, *s);
    }
    for i in 1..names.len() {
        results.add(
            "recognize_phone",
            n,
            &format!("{} / {} (median)", names[i], names[0]),
            stats[i].median / stats[0].median,
            "x",
        );
    }
}

fn search_bench<S: Store>(
    plan: &Plan,
    cb: &Casebook<S>,
    size: usize,
    results: &mut Results,
    label: &str,
) {
    let mut rng = Rng::new(13);
    let queries: Vec<String> = (0..plan.queries.min(500))
        .map(|i| match i % 3 {
            0 => rng.pick(PRODUCTS).to_string(),
            1 => format!("{} {}", rng.pick(PRODUCTS), rng.pick(PROBLEMS)),
            _ => format!("SN{}", rng.digits(3)),
        })
        .collect();
    let stats = race(
        &queries,
        plan.rounds,
        &mut [Contender::new(label, |q: &String| {
            cb.search_cases(q, 20).expect("search").len()
        })],
    );
    results.add_stats("search_cases", size, &format!("{label} top 20"), stats[0]);
}

fn duplicates_bench<S: Store>(
    plan: &Plan,
    cb: &Casebook<S>,
    loaded: &Loaded,
    results: &mut Results,
) {
    let n = loaded.customer_ids.len();
    let mut gen = Generator::new(77);
    let drafts: Vec<ProfileInput> = loaded
        .data
        .people
        .iter()
        .step_by((loaded.data.people.len() / plan.queries.min(300)).max(1))
        .map(|p| gen.duplicate(p, 0.35))
        .collect();
    let stats = race(
        &drafts,
        plan.rounds.min(3),
        &mut [Contender::new(
            "candidates for a draft",
            |d: &ProfileInput| {
                cb.duplicate_candidates_for_draft(d)
                    .expect("candidates")
                    .len()
            },
        )],
    );
    results.add_stats(
        "duplicate_candidates",
        n,
        "candidates for a draft",
        stats[0],
    );

    let start = Instant::now();
    let report = cb.duplicate_report().expect("report");
    results.add(
        "duplicate_report",
        n,
        "whole-store report",
        start.elapsed().as_secs_f64(),
        "s",
    );
    results.add(
        "duplicate_report",
        n,
        "comparisons per profile",
        report.comparisons as f64 / n as f64,
        "",
    );
    let q = quality::evaluate(&report, &loaded.data, &loaded.customer_ids);
    results.add("duplicate_report", n, "precision", q.precision, "");
    results.add("duplicate_report", n, "recall", q.recall, "");
    results.add("duplicate_report", n, "F1", q.f1, "");
}

fn merge_bench<S: Store>(
    (cases, contacts): (usize, usize),
    cb: &Casebook<S>,
    results: &mut Results,
    label: &str,
) {
    let person = |given: &str| ProfileInput {
        template: Some("retail_customer".into()),
        given_name: given.into(),
        family_name: "Merged".into(),
        fields: [("segment".to_string(), serde_json::json!("private"))]
            .into_iter()
            .collect(),
        ..ProfileInput::default()
    };
    let options = CreateOptions {
        allow_duplicates: true,
    };
    let survivor = cb
        .create_profile(&Actor::new("bench"), person("Survivor"), options)
        .expect("survivor");
    let merged = cb
        .create_profile(&Actor::new("bench"), person("Other"), options)
        .expect("merged");
    let mut rng = Rng::new(21);
    let mut case_numbers = Vec::new();
    for _ in 0..cases {
        let case = cb
            .create_case(
                &Actor::new("bench"),
                support_case(&mut rng, &merged.customer_id),
            )
            .expect("case");
        case_numbers.push(case.number);
    }
    for i in 0..contacts {
        cb.log_contact(
            &Actor::new("bench"),
            ContactInput {
                summary: format!("call {i}"),
                profile: Some(merged.customer_id.clone()),
                cases: if i % 10 == 0 {
                    vec![case_numbers[i / 10 % case_numbers.len()].clone()]
                } else {
                    Vec::new()
                },
                ..ContactInput::inbound(Channel::Voice, "+44 20 7946 0001")
            },
        )
        .expect("contact");
    }
    let mut merges = Vec::new();
    let mut unmerges = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let outcome = cb
            .merge(
                &Actor::new("bench"),
                &MergePlan::new(&survivor.customer_id, &merged.customer_id),
            )
            .expect("merge");
        merges.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        cb.unmerge(&Actor::new("bench"), outcome.merge_id)
            .expect("unmerge");
        unmerges.push(start.elapsed().as_secs_f64() * 1e3);
    }
    merges.sort_by(f64::total_cmp);
    unmerges.sort_by(f64::total_cmp);
    let what = format!("{label} ({cases} cases, {contacts} contacts)");
    results.add("merge", cases, &format!("{what} merge"), merges[1], "ms");
    results.add(
        "merge",
        cases,
        &format!("{what} unmerge"),
        unmerges[1],
        "ms",
    );
    assert_eq!(cb.check_invariants().expect("invariants"), Vec::new());
}

/// A fresh SQLite file for one size, under the build directory.
fn sqlite_path(people: usize) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("scale-{people}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    path
}

fn file_bytes(path: &std::path::Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|suffix| {
            let mut file = path.to_path_buf().into_os_string();
            file.push(suffix);
            std::fs::metadata(file).map(|m| m.len()).unwrap_or(0)
        })
        .sum()
}

fn sqlite_benches(
    plan: &Plan,
    people: usize,
    loaded: &Loaded,
    results: &mut Results,
    wants: &dyn Fn(&str) -> bool,
) {
    let path = sqlite_path(people);
    // Loading: skip the fsync per commit (a killed process still loses
    // nothing; see Durability::Normal).
    let options = SqliteOptions {
        durability: Durability::Normal,
        ..SqliteOptions::default()
    };
    let cb = engine(SqliteStore::open_with(&path, options).expect("sqlite file"));
    let n = loaded.customer_ids.len();
    import_all(&cb, &loaded.data, results, "sqlite store");
    results.add(
        "sqlite_file_per_profile",
        n,
        "sqlite file bytes/profile",
        file_bytes(&path) as f64 / n as f64,
        "B",
    );
    if !(wants("recognize") || wants("search")) {
        return;
    }
    // As many cases as profiles, like the memory store
    // (`CASEBOOK_BENCH_SQLITE_CASES` sets another number).
    let cases = std::env::var("CASEBOOK_BENCH_SQLITE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(loaded.customer_ids.len());
    add_cases_n(&cb, loaded, cases, results, "sqlite store");
    if wants("recognize") {
        // The floor for disk: one prepared, indexed query for a ready key.
        let floor = rusqlite::Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("floor connection");
        let mut query = floor
            .prepare(
                "SELECT p.body FROM profile_keys k JOIN profiles p ON p.id = k.profile_id \
                 WHERE k.key = ?1",
            )
            .expect("floor query");
        let keys: Vec<(String, String)> = loaded
            .unique_mobiles
            .iter()
            .map(|m| (m.clone(), format!("phone:{m}")))
            .collect();
        let stats = race(
            &keys,
            plan.rounds,
            &mut [
                Contender::new("hand-written query", |(_, key): &(String, String)| {
                    query
                        .query_map([key], |row| row.get::<_, String>(0))
                        .expect("query")
                        .map(|body| body.map(|b| b.len()).unwrap_or(0))
                        .sum()
                }),
                Contender::new("sqlite lookup", |(number, _): &(String, String)| {
                    lookup_phone(&cb, number)
                }),
                Contender::new("sqlite recognize", |(number, _): &(String, String)| {
                    recognize_known(&cb, number)
                }),
            ],
        );
        report_against_floor(
            results,
            n,
            ["hand-written query", "sqlite lookup", "sqlite recognize"],
            &stats,
        );
    }
    if wants("search") {
        search_bench(plan, &cb, cases, results, "sqlite store (FTS5)");
    }
}

fn main() {
    let mut plan = Plan::from_args();
    // `--sizes 20000,200000` replaces the sizes (for exploring one size).
    let args: Vec<String> = std::env::args().collect();
    if let Some(list) = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
    {
        plan.sizes = list.split(',').filter_map(|s| s.parse().ok()).collect();
    }
    let filter: Option<String> = args
        .iter()
        .skip(1)
        .rfind(|a| !a.starts_with("--") && !a.chars().all(|c| c.is_ascii_digit() || c == ','))
        .cloned();
    let wants = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    println!(
        "casebook scale benchmarks ({} mode); medians over interleaved rounds\n",
        if plan.quick { "quick" } else { "full" }
    );
    let mut results = Results::default();
    let total = Instant::now();
    for &people in &plan.sizes {
        if !(wants("recognize")
            || wants("search")
            || wants("duplicate")
            || wants("memory")
            || wants("import")
            || wants("sqlite")
            || wants("postgres"))
        {
            break;
        }
        let (cb, loaded) = load_memory(&plan, people, &mut results);
        if wants("recognize") || wants("search") {
            add_cases(&cb, &loaded, &mut results, "memory store");
        }
        if wants("recognize") {
            recognize_bench(&plan, &cb, &loaded, &mut results);
        }
        if wants("search") {
            search_bench(
                &plan,
                &cb,
                loaded.customer_ids.len(),
                &mut results,
                "memory store",
            );
        }
        if wants("duplicate") {
            duplicates_bench(&plan, &cb, &loaded, &mut results);
        }
        drop(cb);
        if wants("sqlite")
            || filter.is_none()
            || wants("recognize")
            || wants("search")
            || wants("import")
        {
            sqlite_benches(&plan, people, &loaded, &mut results, &wants);
        }
        #[cfg(feature = "postgres")]
        if filter.is_none()
            || wants("postgres")
            || wants("recognize")
            || wants("search")
            || wants("import")
        {
            postgres::benches(&plan, people, &loaded, &mut results, &wants);
        }
    }
    if wants("merge") || wants("postgres") {
        for &size in &plan.merges {
            merge_bench(
                size,
                &engine(MemoryStore::new()),
                &mut results,
                "memory store",
            );
            let sqlite = SqliteStore::open(sqlite_path(0)).expect("sqlite file");
            merge_bench(size, &engine(sqlite), &mut results, "sqlite store");
            #[cfg(feature = "postgres")]
            postgres::merge(size, &mut results);
        }
    }
    println!("\ntotal {:.1?}", total.elapsed());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-results");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(
            dir.join(if plan.quick {
                "scale-quick.json"
            } else {
                "scale.json"
            }),
            serde_json::to_string_pretty(&results.to_json()).unwrap_or_default(),
        );
    }
}
