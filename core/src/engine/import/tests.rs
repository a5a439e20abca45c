//! Import from CSV and JSON Lines: mapping, validation, batches and rejections.

use super::*;
use crate::store::StoreExt;
use crate::Casebook;

fn migration() -> Actor {
    Actor::new("migration")
}

fn engine() -> Casebook {
    let cb = Casebook::in_memory();
    cb.load_template(
        &Actor::new("admin"),
        r#"{"id": "retail", "kind": "profile", "name": "Retail", "fields": [
            {"key": "segment", "type": "choice", "required": true,
             "options": [{"key": "private", "label": "Private"}, {"key": "business", "label": "Business"}]},
            {"key": "interests", "type": "choice", "multiple": true,
             "options": [{"key": "tv", "label": "TV"}, {"key": "mobile", "label": "Mobile"}]},
            {"key": "score", "type": "integer", "min": 0, "max": 10}]}"#,
    )
    .unwrap();
    cb
}

fn csv_mapping() -> ImportFormat {
    ImportFormat::Csv(CsvMapping {
        columns: [
            ("First", "given_name"),
            ("Last", "family_name"),
            ("Mobile", "phone:mobile"),
            ("Mail", "email"),
            ("Segment", "field:segment"),
            ("Interests", "field:interests"),
            ("Score", "field:score"),
            ("Passport", "identification:passport"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        delimiter: None,
        ..CsvMapping::default()
    })
}

#[test]
fn csv_rows_are_mapped_validated_and_rejected_with_field_errors() {
    let cb = engine();
    let csv = "First,Last,Mobile,Mail,Segment,Interests,Score,Passport,Ignored\n\
               Ada,Lovelace,+44 7911 123456,ada@Example.org,private,tv; mobile,7,X123,zzz\n\
               Bob,,not a phone,bob@,vip,,11,,\n\
               \"Grace, Jr\",Hopper,,,business,,,,\n";
    let options = ImportOptions {
        template: Some("retail".into()),
        ..ImportOptions::default()
    };
    let report = cb
        .import_profiles(&migration(), csv.as_bytes(), &csv_mapping(), &options, None)
        .unwrap();
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (3, 2, 1),
        "{report:#?}"
    );
    let rejected = &report.rejections[0];
    assert_eq!(rejected.row, 2);
    assert_eq!(rejected.code, "validation_failed");
    let fields: Vec<&str> = rejected
        .field_errors
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    for expected in [
        "contact_points[0].value",
        "contact_points[1].value",
        "segment",
        "score",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing in {fields:?}"
        );
    }
    let ada = cb.profile("C-000001").unwrap();
    assert_eq!(ada.contact_points[0].value, "+447911123456");
    assert_eq!(ada.contact_points[0].label.as_deref(), Some("mobile"));
    assert_eq!(ada.contact_points[1].value, "ada@example.org");
    assert_eq!(ada.fields["interests"], serde_json::json!(["tv", "mobile"]));
    assert_eq!(ada.identifications[0].value, "X123");
    assert_eq!(cb.profile("C-000002").unwrap().given_name, "Grace, Jr");
}

#[test]
fn json_lines_reject_bad_rows_and_continue_across_batches() {
    let cb = engine();
    let mut lines = String::new();
    for i in 0..25 {
        match i % 5 {
            3 => lines.push_str("{not json\n"),
            4 => lines.push_str("{\"given_name\": \"X\", \"family_name\": \"Y\", \"fields\": {\"segment\": \"nope\"}}\n\n"),
            _ => lines.push_str(&format!(
                "{{\"given_name\": \"P{i}\", \"family_name\": \"Q\", \"fields\": {{\"segment\": \"private\"}}}}\n"
            )),
        }
    }
    let options = ImportOptions {
        template: Some("retail".into()),
        batch_size: 4,
        ..ImportOptions::default()
    };
    let mut seen = Vec::new();
    let report = cb
        .import_profiles(
            &migration(),
            lines.as_bytes(),
            &ImportFormat::JsonLines,
            &options,
            Some(&mut |p: &ImportProgress| seen.push(*p)),
        )
        .unwrap();
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (25, 15, 10)
    );
    assert_eq!(report.batches, 7);
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.last().map(|p| p.imported), Some(15));
    assert!(seen.windows(2).all(|w| w[0].rows < w[1].rows));
    assert_eq!(report.rejections[0].row, 4);
    assert_eq!(report.rejections[0].code, "invalid_input");
    assert_eq!(report.rejections[1].code, "validation_failed");
    assert_eq!(report.first_customer_id.as_deref(), Some("C-000001"));
    assert_eq!(report.last_customer_id.as_deref(), Some("C-000015"));
    assert_eq!(cb.check_invariants().unwrap(), Vec::new());
}

#[test]
fn overlong_and_non_utf8_lines_are_rejected_rows() {
    let cb = engine();
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"given_name\": \"A\", \"family_name\": \"B\"}\n");
    input.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES + 10));
    input.extend_from_slice(b"\n\xff\xfe\n{\"given_name\": \"C\", \"family_name\": \"D\"}");
    let report = cb
        .import_profiles(
            &migration(),
            input.as_slice(),
            &ImportFormat::JsonLines,
            &ImportOptions::default(),
            None,
        )
        .unwrap();
    assert_eq!((report.rows, report.imported, report.rejected), (4, 2, 2));
    assert!(report.rejections[0].message.contains("longer than"));
    assert!(report.rejections[1].message.contains("UTF-8"));
}

#[test]
fn bad_mappings_and_options_are_refused_before_anything_is_stored() {
    let cb = engine();
    let csv = "First,Last\nAda,Lovelace\n";
    let mapping = |target: &str| {
        ImportFormat::Csv(CsvMapping {
            columns: [("First".to_string(), target.to_string())].into(),
            delimiter: None,
            ..CsvMapping::default()
        })
    };
    let options = ImportOptions::default();
    for target in [
        "nickname",
        "field:segment",
        "identification",
        "given_name:x",
    ] {
        let err = cb
            .import_profiles(
                &migration(),
                csv.as_bytes(),
                &mapping(target),
                &options,
                None,
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{target}");
    }
    let missing_column = ImportFormat::Csv(CsvMapping {
        columns: [("Surname".to_string(), "family_name".to_string())].into(),
        delimiter: None,
        ..CsvMapping::default()
    });
    let err = cb
        .import_profiles(
            &migration(),
            csv.as_bytes(),
            &missing_column,
            &options,
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("Surname"));
    let zero = ImportOptions {
        batch_size: 0,
        ..options.clone()
    };
    assert!(cb
        .import_profiles(
            &migration(),
            csv.as_bytes(),
            &mapping("given_name"),
            &zero,
            None
        )
        .is_err());
    let unknown_template = ImportOptions {
        template: Some("nope".into()),
        ..options
    };
    let err = cb
        .import_profiles(
            &migration(),
            csv.as_bytes(),
            &mapping("given_name"),
            &unknown_template,
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(cb.store().read_with(|tx| tx.profile_count()).unwrap(), 0);
}

#[test]
fn duplicate_rejection_is_optional() {
    let cb = engine();
    let row = "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\", \"fields\": {\"segment\": \"private\"}, \"contact_points\": [{\"kind\": \"email\", \"value\": \"ada@example.org\"}], \"date_of_birth\": \"1985-12-10\"}\n";
    let twice = format!("{row}{row}");
    let strict = ImportOptions {
        template: Some("retail".into()),
        reject_duplicates: true,
        ..ImportOptions::default()
    };
    let report = cb
        .import_profiles(
            &migration(),
            twice.as_bytes(),
            &ImportFormat::JsonLines,
            &strict,
            None,
        )
        .unwrap();
    assert_eq!((report.imported, report.rejected), (1, 1), "{report:#?}");
    assert_eq!(report.rejections[0].code, "duplicate_suspected");
    let lenient = ImportOptions {
        reject_duplicates: false,
        ..strict
    };
    let report = cb
        .import_profiles(
            &migration(),
            twice.as_bytes(),
            &ImportFormat::JsonLines,
            &lenient,
            None,
        )
        .unwrap();
    assert_eq!((report.imported, report.rejected), (2, 0));
}
