//! Governance: config, pause, authority hand-over, products, listed mints.

pub mod accept_authority;
pub mod cancel_proposal;
pub mod create_product;
pub mod create_proposal;
pub mod execute_proposal;
pub mod initialize_config;
pub mod propose_authority;
pub mod set_mint_params;
pub mod set_panel_member;
pub mod set_pause;
pub mod update_product;

pub use accept_authority::*;
pub use cancel_proposal::*;
pub use create_product::*;
pub use create_proposal::*;
pub use execute_proposal::*;
pub use initialize_config::*;
pub use propose_authority::*;
pub use set_mint_params::*;
pub use set_panel_member::*;
pub use set_pause::*;
pub use update_product::*;
