//! Seeded generator of synthetic customers with realistic duplicates, and the
//! ground truth of which records belong to the same person.
//!
//! The identity tests and the benchmarks use the same generator, so quality
//! figures and speed figures describe the same data.
//!
//! ```
//! let data = casebook_benches::Generator::new(7).dataset(&casebook_benches::DatasetSpec::small(200));
//! assert!(data.records.len() > 200);
//! assert_eq!(data.records.len(), data.person_of.len());
//! ```

pub mod measure;
pub mod names;
pub mod quality;
pub mod records;

use casebook::{ContactKind, ContactPointInput, ProfileInput};
use serde_json::json;

/// SplitMix64: tiny, fast and stable across releases (unlike general-purpose RNG crates).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` random decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// One synthetic person (the truth behind one or more records).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Given name.
    pub given: String,
    /// Family name.
    pub family: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// Mobile, E.164.
    pub mobile: String,
    /// Home landline, E.164 (shared within a household).
    pub landline: Option<String>,
    /// E-mail address.
    pub email: String,
    /// Postal address.
    pub address: String,
    /// National Insurance number.
    pub ni_number: String,
    /// Account id.
    pub account: String,
    /// Household number (people of one household share a landline and an address).
    pub household: usize,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetSpec {
    /// Number of distinct people.
    pub people: usize,
    /// Share of people who get one or more duplicate records.
    pub duplicate_rate: f64,
    /// Share of people living with someone else (shared landline and address).
    pub household_rate: f64,
    /// Share of duplicate records whose fields get each kind of corruption.
    pub corruption_rate: f64,
}

impl DatasetSpec {
    /// A dataset with the default mix: 10% of people duplicated, 20% in shared households.
    pub fn small(people: usize) -> Self {
        DatasetSpec {
            people,
            duplicate_rate: 0.10,
            household_rate: 0.20,
            corruption_rate: 0.35,
        }
    }
}

/// Records with their ground truth.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The people.
    pub people: Vec<Person>,
    /// The records to store, in a shuffled order.
    pub records: Vec<ProfileInput>,
    /// For each record, the index of the person it describes.
    pub person_of: Vec<usize>,
}

impl Dataset {
    /// Number of true duplicate pairs (record pairs describing one person).
    pub fn true_pairs(&self) -> usize {
        let mut per_person = vec![0usize; self.people.len()];
        for &p in &self.person_of {
            per_person[p] += 1;
        }
        per_person
            .iter()
            .map(|&n| n * n.saturating_sub(1) / 2)
            .sum()
    }
}

/// The seeded generator.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
}

impl Generator {
    /// A generator from a seed; the same seed gives the same data.
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: Rng::new(seed),
        }
    }

    /// Access to the random source.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn mobile(&mut self) -> String {
        // UK mobile ranges libphonenumber accepts in full (077 and 079 hold reserved blocks).
        let second = *self.rng.pick(&['1', '2', '3', '4', '5', '8']);
        format!("+447{second}{}", self.rng.digits(8))
    }

    fn landline(&mut self) -> String {
        match self.rng.below(3) {
            0 => format!("+44207{}", self.rng.digits(7)),
            1 => format!(
                "+44161{}{}",
                self.rng.pick(&['2', '3', '4', '7', '8']),
                self.rng.digits(6)
            ),
            _ => format!(
                "+44113{}{}",
                self.rng.pick(&['2', '3', '4']),
                self.rng.digits(6)
            ),
        }
    }

    fn ni_number(&mut self) -> String {
        const FIRST: &[char] = &[
            'A', 'B', 'C', 'E', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'W', 'Y',
        ];
        const SECOND: &[char] = &[
            'A', 'B', 'C', 'E', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'W', 'X',
            'Y', 'Z',
        ];
        format!(
            "{}{}{}{}",
            self.rng.pick(FIRST),
            self.rng.pick(SECOND),
            self.rng.digits(6),
            self.rng.pick(&['A', 'B', 'C', 'D'])
        )
    }

    /// A new person with fresh contact details.
    pub fn person(&mut self, index: usize) -> Person {
        let given = self.rng.pick(names::GIVEN).to_string();
        let family = self.rng.pick(names::FAMILY).to_string();
        let year = 1940 + self.rng.below(66);
        let date_of_birth = format!(
            "{year}-{:02}-{:02}",
            1 + self.rng.below(12),
            1 + self.rng.below(28)
        );
        let local: String = casebook::text::fold(&format!("{given}.{family}"))
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let email = format!(
            "{local}{}@{}",
            self.rng.below(1000),
            self.rng.pick(names::MAIL_DOMAINS)
        );
        let address = format!(
            "{} {}, {}",
            1 + self.rng.below(250),
            self.rng.pick(names::STREETS),
            self.rng.pick(names::TOWNS)
        );
        Person {
            given,
            family,
            date_of_birth,
            mobile: self.mobile(),
            landline: self.rng.chance(0.5).then(|| self.landline()),
            email,
            address,
            ni_number: self.ni_number(),
            account: format!("ACC{:08}", index),
            household: index,
        }
    }

    /// People, some of them sharing households (a landline and an address) with
    /// the person before them: different people, same number.
    pub fn people(&mut self, n: usize, household_rate: f64) -> Vec<Person> {
        let mut people: Vec<Person> = Vec::with_capacity(n);
        for i in 0..n {
            let mut p = self.person(i);
            if i > 0 && self.rng.chance(household_rate) {
                let head = &people[i - 1];
                p.household = head.household;
                p.address = head.address.clone();
                p.landline = Some(head.landline.clone().unwrap_or_else(|| self.landline()));
                if self.rng.chance(0.6) {
                    p.family = head.family.clone();
                }
            }
            people.push(p);
        }
        people
    }

    /// The clean record of a person (2 names, 3 contact points, identification, account).
    pub fn record(&self, p: &Person) -> ProfileInput {
        let mut contact_points = vec![
            point(ContactKind::Phone, &p.mobile, "mobile"),
            point(ContactKind::Email, &p.email, "personal"),
            point(ContactKind::Address, &p.address, "home"),
        ];
        if let Some(l) = &p.landline {
            contact_points.insert(1, point(ContactKind::Phone, l, "home"));
        }
        ProfileInput {
            given_name: p.given.clone(),
            family_name: p.family.clone(),
            date_of_birth: Some(p.date_of_birth.clone()),
            identifications: vec![casebook::Identification {
                kind: "ni_number".into(),
                value: p.ni_number.clone(),
                issuer: None,
            }],
            contact_points,
            accounts: vec![p.account.clone()],
            ..ProfileInput::default()
        }
    }

    /// A duplicate record of a person, with realistic corruptions: typos,
    /// transposed letters, swapped names, nicknames, other phone formats,
    /// missing fields, changed e-mail case.
    pub fn duplicate(&mut self, p: &Person, corruption: f64) -> ProfileInput {
        let mut r = self.record(p);
        r.accounts.clear();
        if self.rng.chance(corruption) {
            r.given_name = self.typo(&r.given_name);
        }
        if self.rng.chance(corruption) {
            r.family_name = self.typo(&r.family_name);
        }
        if self.rng.chance(corruption * 0.5) {
            if let Some(nick) = names::nickname(&r.given_name) {
                r.given_name = nick.to_string();
            }
        }
        if self.rng.chance(corruption * 0.3) {
            std::mem::swap(&mut r.given_name, &mut r.family_name);
        }
        if self.rng.chance(corruption) {
            r.date_of_birth = None;
        }
        if self.rng.chance(corruption * 0.5) {
            r.identifications.clear();
        }
        let mut kept = Vec::new();
        for mut point in std::mem::take(&mut r.contact_points) {
            if self.rng.chance(corruption * 0.6) {
                continue;
            }
            match point.kind {
                ContactKind::Phone => point.value = self.reformat_phone(&point.value),
                ContactKind::Email if self.rng.chance(0.5) => {
                    point.value = point.value.to_uppercase()
                }
                ContactKind::Address if self.rng.chance(0.5) => {
                    point.value = point.value.to_lowercase().replace(',', "")
                }
                _ => {}
            }
            kept.push(point);
        }
        if kept.is_empty() {
            kept.push(point(
                ContactKind::Phone,
                &self.reformat_phone(&p.mobile),
                "mobile",
            ));
        }
        r.contact_points = kept;
        r
    }

    fn typo(&mut self, word: &str) -> String {
        let mut chars: Vec<char> = word.chars().collect();
        if chars.len() < 3 {
            return word.to_string();
        }
        let i = 1 + self.rng.below(chars.len() - 2);
        match self.rng.below(4) {
            0 => chars.swap(i, i + 1),
            1 => {
                chars.remove(i);
            }
            2 => chars.insert(i, chars[i]),
            _ => chars[i] = *self.rng.pick(&['a', 'e', 'i', 'o', 'n', 'r', 's', 't']),
        }
        chars.into_iter().collect()
    }

    fn reformat_phone(&mut self, e164: &str) -> String {
        let national = format!("0{}", &e164[3..]);
        match self.rng.below(4) {
            0 => national,
            1 => format!("{} {} {}", &national[..5], &national[5..8], &national[8..]),
            2 => format!("+44 {} {}", &e164[3..7], &e164[7..]),
            _ => format!("0044{}", &e164[3..]),
        }
    }

    /// A dataset: people, their clean records, duplicates with corruptions,
    /// shuffled, with the ground truth.
    pub fn dataset(&mut self, spec: &DatasetSpec) -> Dataset {
        let people = self.people(spec.people, spec.household_rate);
        let mut records = Vec::with_capacity(people.len() * 11 / 10);
        for (i, p) in people.iter().enumerate() {
            records.push((self.record(p), i));
            if self.rng.chance(spec.duplicate_rate) {
                let copies = 1 + usize::from(self.rng.chance(0.2));
                for _ in 0..copies {
                    records.push((self.duplicate(p, spec.corruption_rate), i));
                }
            }
        }
        for i in (1..records.len()).rev() {
            let j = self.rng.below(i + 1);
            records.swap(i, j);
        }
        let (records, person_of) = records.into_iter().unzip();
        Dataset {
            people,
            records,
            person_of,
        }
    }

    /// Ten custom field values for the retail profile template (eleven for
    /// a business, which also has a company name).
    pub fn custom_fields(&mut self) -> casebook::Fields {
        let segment = *self.rng.pick(&["private", "business", "vip"]);
        let mut fields = casebook::Fields::new();
        fields.insert("segment".into(), json!(segment));
        fields.insert(
            "preferred_language".into(),
            json!(*self.rng.pick(&["en", "cy", "fr"])),
        );
        fields.insert("marketing_opt_in".into(), json!(self.rng.chance(0.4)));
        fields.insert(
            "loyalty_number".into(),
            json!(format!("LY{}", self.rng.digits(8))),
        );
        fields.insert("ni_number".into(), json!(self.ni_number()));
        fields.insert("notes".into(), json!("Prefers calls after 5pm"));
        fields.insert(
            "package".into(),
            json!(*self.rng.pick(&["fibre_100", "fibre_500", "fibre_900"])),
        );
        fields.insert(
            "contract_end".into(),
            json!(format!(
                "{}-{:02}-{:02}",
                2026 + self.rng.below(3),
                1 + self.rng.below(12),
                1 + self.rng.below(28)
            )),
        );
        fields.insert(
            "monthly_spend".into(),
            json!((2_000 + self.rng.below(10_000)) as f64 / 100.0),
        );
        fields.insert("household_size".into(), json!(1 + self.rng.below(6)));
        if segment == "business" {
            fields.insert(
                "company_name".into(),
                json!(format!("{} Ltd", self.rng.pick(names::FAMILY))),
            );
        }
        fields
    }
}

fn point(kind: ContactKind, value: &str, label: &str) -> ContactPointInput {
    ContactPointInput {
        kind,
        value: value.to_string(),
        label: Some(label.to_string()),
        primary: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = Generator::new(1).dataset(&DatasetSpec::small(300));
        let b = Generator::new(1).dataset(&DatasetSpec::small(300));
        assert_eq!(a.records, b.records);
        assert_eq!(a.person_of, b.person_of);
        let c = Generator::new(2).dataset(&DatasetSpec::small(300));
        assert_ne!(a.records, c.records);
    }

    #[test]
    fn generated_records_are_valid_profiles() {
        let cb = casebook::Casebook::builder(casebook::MemoryStore::new())
            .config(casebook::Config {
                default_region: Some("GB".into()),
                ..casebook::Config::default()
            })
            .build()
            .unwrap();
        let data = Generator::new(3).dataset(&DatasetSpec::small(300));
        assert!(data.true_pairs() > 10);
        let mut invalid = Vec::new();
        for r in &data.records {
            let check = cb.validate_profile(r, false).unwrap();
            if !check.is_valid() {
                invalid.push((r.clone(), check.errors));
            }
        }
        assert!(invalid.is_empty(), "{:?}", &invalid[..invalid.len().min(3)]);
    }
}
