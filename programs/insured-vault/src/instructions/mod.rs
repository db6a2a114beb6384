pub mod deposit;
pub mod file_treasury_claim;
pub mod initialize_vault;
pub mod insure_treasury;
pub mod set_sponsor_policy;
pub mod withdraw;

pub use deposit::*;
pub use file_treasury_claim::*;
pub use initialize_vault::*;
pub use insure_treasury::*;
pub use set_sponsor_policy::*;
pub use withdraw::*;
