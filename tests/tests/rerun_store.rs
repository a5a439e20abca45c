//! The storage conformance suite against a store that runs every
//! transaction body twice (the first run abandoned with a retryable error):
//! every engine operation must survive being run again.

casebook_tests::conformance_suite!(casebook_tests::rerun::RerunStore::new(
    casebook::MemoryStore::new()
));

#[test]
fn bodies_really_run_twice() {
    use casebook_tests::fixtures::{add_anyway, engine, person};
    let cb = engine(casebook_tests::rerun::RerunStore::new(
        casebook::MemoryStore::new(),
    ));
    let before = cb.store().reruns();
    let p = add_anyway(&cb, person("Twice", "Run"));
    assert!(cb.store().reruns() > before, "the create ran once");
    assert_eq!(
        p.customer_id, "C-000001",
        "the abandoned run left no number used"
    );
    assert_eq!(cb.profile(p.id).unwrap(), p);
}
