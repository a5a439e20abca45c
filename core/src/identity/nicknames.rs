//! Nicknames: the full given name a nickname stands for, so `Bob` and
//! `Robert` match.

/// The full given name a nickname stands for (`bob` -> `robert`), folded; the name itself otherwise.
pub fn canonical_given(folded: &str) -> &str {
    NICKNAMES
        .iter()
        .find(|(_, nick)| *nick == folded)
        .map_or(folded, |(full, _)| full)
}

/// Common English nicknames and the names they stand for (folded).
pub const NICKNAMES: &[(&str, &str)] = &[
    ("robert", "bob"),
    ("robert", "rob"),
    ("robert", "bobby"),
    ("william", "bill"),
    ("william", "will"),
    ("william", "billy"),
    ("elizabeth", "liz"),
    ("elizabeth", "beth"),
    ("elizabeth", "betty"),
    ("richard", "dick"),
    ("richard", "rick"),
    ("james", "jim"),
    ("james", "jimmy"),
    ("joseph", "joe"),
    ("thomas", "tom"),
    ("thomas", "tommy"),
    ("michael", "mike"),
    ("christopher", "chris"),
    ("daniel", "dan"),
    ("daniel", "danny"),
    ("matthew", "matt"),
    ("anthony", "tony"),
    ("steven", "steve"),
    ("stephen", "steve"),
    ("andrew", "andy"),
    ("kenneth", "ken"),
    ("edward", "ted"),
    ("edward", "ed"),
    ("ronald", "ron"),
    ("timothy", "tim"),
    ("jeffrey", "jeff"),
    ("nicholas", "nick"),
    ("jonathan", "jon"),
    ("margaret", "peggy"),
    ("margaret", "maggie"),
    ("patricia", "pat"),
    ("jennifer", "jen"),
    ("jennifer", "jenny"),
    ("susan", "sue"),
    ("jessica", "jess"),
    ("kimberly", "kim"),
    ("deborah", "debbie"),
    ("rebecca", "becky"),
    ("kathleen", "kathy"),
    ("katherine", "kate"),
    ("alexander", "alex"),
    ("charles", "charlie"),
    ("samuel", "sam"),
    ("benjamin", "ben"),
    ("david", "dave"),
    ("gregory", "greg"),
    ("lawrence", "larry"),
    ("patrick", "paddy"),
    ("victoria", "vicky"),
    ("alexandra", "sasha"),
];
