use super::*;

fn read(input: &str) -> (CallerKind, String, Option<String>, Option<String>) {
    let c = parse_caller(input);
    (c.kind, c.address, c.extension, c.display_name)
}

fn phone(
    address: &str,
    extension: Option<&str>,
) -> (CallerKind, String, Option<String>, Option<String>) {
    (
        CallerKind::Phone,
        address.into(),
        extension.map(Into::into),
        None,
    )
}

#[test]
fn sip_and_tel_uris() {
    assert_eq!(
        read("sip:+447400123456@pbx.example.com"),
        phone("+447400123456", None)
    );
    assert_eq!(
        read("sips:+447400123456@pbx.example.com:5061;transport=tls"),
        phone("+447400123456", None)
    );
    assert_eq!(
        read("sip:07400123456@10.0.0.1;user=phone"),
        phone("07400123456", None)
    );
    assert_eq!(
        read("sip:%2B447400123456@host"),
        phone("+447400123456", None)
    );
    assert_eq!(
        read("sip:+442079460958;ext=12@host;user=phone"),
        phone("+442079460958", Some("12"))
    );
    assert_eq!(
        read("tel:+44-20-7946-0958;ext=12"),
        phone("+44-20-7946-0958", Some("12"))
    );
    assert_eq!(
        read("tel:7946-0958;phone-context=+4420"),
        phone("+442079460958", None)
    );
    assert_eq!(
        read("tel:+442079460958;isub=1411"),
        phone("+442079460958", None)
    );
    assert_eq!(read("TEL:+442079460958"), phone("+442079460958", None));
}

#[test]
fn header_values_with_display_names() {
    let c = parse_caller(r#""Ada L" <sip:+447400123456@pbx.example.com>;tag=abc"#);
    assert_eq!(c.kind, CallerKind::Phone);
    assert_eq!(c.address, "+447400123456");
    assert_eq!(c.display_name.as_deref(), Some("Ada L"));
    let c = parse_caller(r#""A \"<b>\"" <tel:+447400123456>"#);
    assert_eq!(c.display_name.as_deref(), Some(r#"A "<b>""#));
    assert_eq!(c.address, "+447400123456");
    let c = parse_caller("Ada <ada@example.org>");
    assert_eq!(
        (c.kind, c.address.as_str()),
        (CallerKind::Email, "ada@example.org")
    );
    assert_eq!(c.display_name.as_deref(), Some("Ada"));
    let c = parse_caller("<sip:ada@example.org>");
    assert_eq!(
        (c.kind, c.address.as_str(), c.display_name),
        (CallerKind::Email, "ada@example.org", None)
    );
    assert_eq!(read("sip:alice@pbx").1, "sip:alice@pbx");
}

#[test]
fn typed_extensions_and_whitespace() {
    assert_eq!(
        read("020 7946 0958 ext. 12"),
        phone("020 7946 0958", Some("12"))
    );
    assert_eq!(
        read("020 7946 0958 x12"),
        phone("020 7946 0958", Some("12"))
    );
    assert_eq!(read("02079460958#12"), phone("02079460958", Some("12")));
    assert_eq!(
        read("+44 20 7946 0958 extension 12"),
        phone("+44 20 7946 0958", Some("12"))
    );
    assert_eq!(read("020\t7946\t0958"), phone("020 7946 0958", None));
    assert_eq!(
        read("０２０ ７９４６ ０９５８"),
        phone("020 7946 0958", None)
    );
    assert_eq!(read("call me").0, CallerKind::Other);
}

#[test]
fn withheld_callers() {
    for input in [
        "",
        "   ",
        "anonymous@anonymous.invalid",
        "sip:anonymous@anonymous.invalid",
        "sip:anonymous@pbx.example.com",
        r#""Anonymous" <sip:anonymous@anonymous.invalid>;tag=1"#,
        "<sip:+447400123456@anonymous.invalid>",
        "sip:@pbx.example.com",
        "sip:pbx.example.com",
        "tel:restricted",
        "restricted",
        "Withheld",
        "unavailable",
        "Anonymous",
        "<>",
    ] {
        let c = parse_caller(input);
        assert_eq!(c.kind, CallerKind::Withheld, "{input:?}");
        assert!(c.address.is_empty(), "{input:?}");
    }
}

#[test]
fn long_input_is_bounded() {
    let long = "1".repeat(MAX_CALLER_INPUT + 1);
    assert_eq!(parse_caller(&long).kind, CallerKind::Other);
}

proptest::proptest! {
    #[test]
    fn never_panics(input in "\\PC{0,80}") {
        let c = parse_caller(&input);
        proptest::prop_assert!(c.address.len() <= input.len() * 4 + 8);
    }

    #[test]
    fn never_panics_on_uri_like_input(
        input in r#"("[^"]{0,8}"? ?)?<?(sips?|tel|mailto)?:?[%+0-9a-zA-Z;=@.:<> \-]{0,40}>?(;tag=[a-z]{0,4})?"#
    ) {
        let _ = parse_caller(&input);
    }
}
