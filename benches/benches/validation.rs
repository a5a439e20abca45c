//! Template validation: casebook versus the `jsonschema` crate on the same
//! 20-field records (a 70/30 mix of valid and invalid), each validator built
//! once, as in production. Both report every error of a record.

use casebook::PhoneRules;
use casebook::{Mode, Template, ValidationContext};
use casebook_benches::records;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn validation(c: &mut Criterion) {
    let template = Template::from_json(records::TEMPLATE).expect("template");
    let ctx = ValidationContext::with_phone(
        "2026-06-01".parse().expect("date"),
        PhoneRules::new(Some("GB"), &[]).expect("rules"),
    );
    let schema = records::schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let data = records::mix(7, 1_000, 0.7);

    // Same rules: both must accept and reject exactly the same records.
    for record in &data {
        let ours = template
            .validate(record, Mode::Create, &ctx)
            .expect("an object")
            .is_valid();
        assert_eq!(
            ours,
            validator.is_valid(record),
            "validators disagree on {record}"
        );
        assert_eq!(
            ours,
            template
                .check(record, Mode::Create, &ctx)
                .expect("an object")
                .is_empty()
        );
    }

    let mut group = c.benchmark_group("validate_20_fields");
    group.throughput(Throughput::Elements(data.len() as u64));
    // Errors only, like the peer: what a form shows as the user types.
    group.bench_function("casebook_check", |b| {
        b.iter(|| {
            let mut errors = 0;
            for record in &data {
                errors += template
                    .check(black_box(record), Mode::Create, &ctx)
                    .map_or(1, |e| e.len());
            }
            errors
        })
    });
    // Errors plus the normalised values to store (E.164 phones, trimmed text, ...).
    group.bench_function("casebook_validate", |b| {
        b.iter(|| {
            let mut errors = 0;
            for record in &data {
                errors += template
                    .validate(black_box(record), Mode::Create, &ctx)
                    .map_or(1, |r| r.errors.len());
            }
            errors
        })
    });
    group.bench_function("jsonschema", |b| {
        b.iter(|| {
            let mut errors = 0;
            for record in &data {
                errors += validator.iter_errors(black_box(record)).count();
            }
            errors
        })
    });
    group.bench_function("jsonschema_is_valid", |b| {
        b.iter(|| {
            data.iter()
                .filter(|r| validator.is_valid(black_box(r)))
                .count()
        })
    });
    group.finish();

    // The same work on 100 records, which stay in the CPU cache (as a record
    // just parsed or built does): the 1,000 above are about 3 MB of small
    // heap blocks, and loading them is part of what is measured there.
    let hot = &data[..100];
    let mut group = c.benchmark_group("validate_20_fields_in_cache");
    group.throughput(Throughput::Elements(hot.len() as u64));
    group.bench_function("casebook_check", |b| {
        b.iter(|| {
            let mut errors = 0;
            for record in hot {
                errors += template
                    .check(black_box(record), Mode::Create, &ctx)
                    .map_or(1, |e| e.len());
            }
            errors
        })
    });
    group.bench_function("jsonschema", |b| {
        b.iter(|| {
            let mut errors = 0;
            for record in hot {
                errors += validator.iter_errors(black_box(record)).count();
            }
            errors
        })
    });
    group.finish();

    // A record arrives as JSON text (a form post, a C host, a browser): the
    // peer must parse it first; casebook can check the text in one pass.
    let texts: Vec<String> = data.iter().map(|r| r.to_string()).collect();
    for text in &texts {
        let parsed: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(
            template.check_json(text, Mode::Create, &ctx).expect("json"),
            template
                .check(&parsed, Mode::Create, &ctx)
                .expect("an object")
        );
    }
    let mut group = c.benchmark_group("validate_20_fields_from_json_text");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("casebook_check_json", |b| {
        b.iter(|| {
            let mut errors = 0;
            for t in &texts {
                errors += template
                    .check_json(black_box(t), Mode::Create, &ctx)
                    .expect("json")
                    .len();
            }
            errors
        })
    });
    group.bench_function("casebook_parse_then_check", |b| {
        b.iter(|| {
            let mut errors = 0;
            for t in &texts {
                let value: serde_json::Value = serde_json::from_str(black_box(t)).expect("json");
                errors += template
                    .check(&value, Mode::Create, &ctx)
                    .map_or(1, |e| e.len());
            }
            errors
        })
    });
    group.bench_function("jsonschema_parse_then_validate", |b| {
        b.iter(|| {
            let mut errors = 0;
            for t in &texts {
                let value: serde_json::Value = serde_json::from_str(black_box(t)).expect("json");
                errors += validator.iter_errors(&value).count();
            }
            errors
        })
    });
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);
