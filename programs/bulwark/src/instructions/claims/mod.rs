//! Assessors and claimants: stake to vote, file a claim, vote, overturn (governance), redeem,
//! close, and the settlement of each ballot (reward, slash or neither); blind ballots are
//! committed, then revealed.

pub mod cast;
pub mod close_claim;
pub mod commit_vote;
pub mod file_claim;
pub mod overturn_claim;
pub mod redeem_payout;
pub mod reveal_vote;
pub mod settle_ballot;
pub mod slash_ballot;
pub mod stake_assessor;
pub mod unstake_assessor;
pub mod vote;

pub use close_claim::*;
pub use commit_vote::*;
pub use file_claim::*;
pub use overturn_claim::*;
pub use redeem_payout::*;
pub use reveal_vote::*;
pub use settle_ballot::*;
pub use slash_ballot::*;
pub use stake_assessor::*;
pub use unstake_assessor::*;
pub use vote::*;
