//! A FEBRL-shaped record-linkage file: compact dates, address parts, an
//! impossible date and a person without a name, imported strict and lenient.

use super::*;
use crate::error::FieldErrorCode;
use crate::Casebook;

const FEBRL: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
rec-0-org,ada,lovelace,12,main street,,sydney,2000,nsw,19540927,1234567
rec-1-org,bob,smith,4,high road,flat 2,perth,6000,wa,19371233,2345678
rec-2-org,,hopper,7,rose lane,,hobart,7000,tas,19061209,3456789
rec-3-org,,,9,oak avenue,,darwin,0800,nt,19800101,4567890
rec-4-org,joan,clarke,,,,,,,,5678901
";

fn engine() -> Casebook {
    let cb = Casebook::in_memory();
    cb.load_template(
        &Actor::new("admin"),
        r#"{"id": "linkage", "kind": "profile", "name": "Linkage",
            "name_required": false, "fields": []}"#,
    )
    .unwrap();
    cb
}

fn febrl_mapping() -> ImportFormat {
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    ImportFormat::Csv(CsvMapping {
        columns: pairs(&[
            ("given_name", "given_name"),
            ("surname", "family_name"),
            ("date_of_birth", "date_of_birth"),
            ("soc_sec_id", "identification:soc_sec"),
        ]),
        formats: pairs(&[("date_of_birth", "%Y%m%d")]),
        join: [(
            "address".to_string(),
            [
                "street_number",
                "address_1",
                "address_2",
                "suburb",
                "postcode",
                "state",
            ]
            .map(String::from)
            .to_vec(),
        )]
        .into(),
        ..CsvMapping::default()
    })
}

fn import(cb: &Casebook, template: Option<&str>, lenient: bool) -> ImportReport {
    let options = ImportOptions {
        template: template.map(String::from),
        lenient,
        ..ImportOptions::default()
    };
    cb.import_profiles(
        &Actor::new("migration"),
        FEBRL.as_bytes(),
        &febrl_mapping(),
        &options,
        None,
    )
    .unwrap()
}

#[test]
fn strict_import_rejects_the_impossible_date_and_keeps_the_rest() {
    let cb = engine();
    let report = import(&cb, Some("linkage"), false);
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (5, 4, 1),
        "{report:#?}"
    );
    assert_eq!(report.rejections[0].row, 2);
    assert_eq!(report.rejections[0].field_errors[0].field, "date_of_birth");
    assert!(report.dropped.is_empty());
    assert_eq!(report.values_dropped, 0);

    let ada = cb.profile("C-000001").unwrap();
    assert_eq!(
        ada.date_of_birth.map(|d| d.to_string()).as_deref(),
        Some("1954-09-27")
    );
    assert_eq!(ada.contact_points.len(), 1);
    assert_eq!(
        ada.contact_points[0].value,
        "12 main street sydney 2000 nsw"
    );
    assert_eq!(ada.identifications[0].value, "1234567");
    // The person with no name is stored, as the template allows.
    let nameless = cb.profile("C-000003").unwrap();
    assert_eq!(
        (nameless.given_name.as_str(), nameless.family_name.as_str()),
        ("", "")
    );
    // Joan has no address parts at all: no empty contact point is made.
    assert!(cb.profile("C-000004").unwrap().contact_points.is_empty());
}

#[test]
fn lenient_import_stores_the_row_without_the_impossible_date_and_says_so() {
    let cb = engine();
    let report = import(&cb, Some("linkage"), true);
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (5, 5, 0),
        "{report:#?}"
    );
    assert_eq!(report.values_dropped, 1);
    assert_eq!(report.dropped.len(), 1);
    let dropped = &report.dropped[0];
    assert_eq!((dropped.row, dropped.field.as_str()), (2, "date_of_birth"));
    assert_eq!(dropped.code, FieldErrorCode::InvalidFormat);
    assert!(
        dropped.message.contains("Date of birth"),
        "{}",
        dropped.message
    );

    let bob = cb.profile("C-000002").unwrap();
    assert_eq!(bob.given_name, "bob");
    assert_eq!(bob.date_of_birth, None);
    assert_eq!(
        bob.contact_points[0].value,
        "4 high road flat 2 perth 6000 wa"
    );
}

#[test]
fn without_a_template_that_allows_it_a_nameless_row_is_still_rejected() {
    let cb = engine();
    // Lenient does not drop a required value: the nameless row stays rejected.
    let report = import(&cb, None, true);
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (5, 4, 1),
        "{report:#?}"
    );
    assert_eq!(report.rejections[0].row, 4);
    assert_eq!(
        report.rejections[0].field_errors[0].code,
        FieldErrorCode::Required
    );
    assert_eq!(report.values_dropped, 1);
}

#[test]
fn lenient_import_drops_a_bad_phone_and_keeps_the_good_one() {
    let cb = engine();
    let csv = "name,home,work\nada,not a phone,+44 20 7946 0958\n";
    let mapping = ImportFormat::Csv(CsvMapping {
        columns: [
            ("name", "given_name"),
            ("home", "phone:home"),
            ("work", "phone:work"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into(),
        ..CsvMapping::default()
    });
    let options = ImportOptions {
        lenient: true,
        ..ImportOptions::default()
    };
    let report = cb
        .import_profiles(
            &Actor::new("migration"),
            csv.as_bytes(),
            &mapping,
            &options,
            None,
        )
        .unwrap();
    assert_eq!(
        (report.imported, report.values_dropped),
        (1, 1),
        "{report:#?}"
    );
    assert_eq!(report.dropped[0].field, "contact_points[0].value");
    let ada = cb.profile("C-000001").unwrap();
    assert_eq!(ada.contact_points.len(), 1);
    assert_eq!(ada.contact_points[0].value, "+442079460958");
}
