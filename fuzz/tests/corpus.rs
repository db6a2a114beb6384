//! Replays every input of `corpus/state` (what the fuzzer found worth keeping, committed), then
//! a few thousand inputs from a fixed seed, through the same checks as the fuzz target.

#[test]
fn committed_corpus_replays_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/state");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus/state exists") {
        let data = std::fs::read(entry.expect("corpus entry").path()).expect("corpus file");
        bulwark_fuzz::run(&data);
        replayed += 1;
    }
    assert!(replayed > 0, "the corpus is empty");
}

#[test]
fn seeded_inputs_replay_clean() {
    let mut state = 0x2026_1202u64;
    for _ in 0..2_000 {
        let data: Vec<u8> = (0..512)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        bulwark_fuzz::run(&data);
    }
}
