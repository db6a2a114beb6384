//! `bulwark demo`: one realistic story through the whole protocol on an embedded Solana VM,
//! told by the scenario engine from the bundled `scenarios/demo.toml`, so the story and the
//! engine cannot drift apart (`bulwark simulate cli/scenarios/demo.toml` tells it too).
//!
//! A manager opens a USDC-like pool, stakers join different tranches and a member funds the
//! capital pool, buyers cover a lending protocol and a DEX, the lending protocol is exploited,
//! claims are filed and voted on (one accepted, one denied), the payout is redeemed — half by
//! the backing stake, half by the capital pool — rewards and fees are claimed, the tranches end
//! and everyone withdraws. Every step reports what moved; the summary adds every token up.

use crate::report::{Step, Summary};
use crate::scenario::{self, ScenarioError};

/// The story, as a scenario file.
pub const SCENARIO: &str = include_str!("../scenarios/demo.toml");

/// The name the story's steps and errors are reported under.
pub const FILE: &str = "demo.toml";

/// Runs the story on an embedded VM (the SBF `.so` when `sbf`, else the native build),
/// reporting each step through `report`, and returns the final summary.
pub async fn run(sbf: bool, report: &mut dyn FnMut(Step)) -> Result<Summary, ScenarioError> {
    let story = scenario::parse(SCENARIO, FILE)?;
    scenario::run(&story, SCENARIO, FILE, sbf, report).await
}
