pub mod capital_vault;
pub mod contribute_capital;
pub mod create_capital_pool;
pub mod deposit_capital;
pub mod execute_capital_exit;
pub mod grant_leverage;
pub mod redeem_owed;
pub mod request_capital_exit;

pub use capital_vault::*;
pub use contribute_capital::*;
pub use create_capital_pool::*;
pub use deposit_capital::*;
pub use execute_capital_exit::*;
pub use grant_leverage::*;
pub use redeem_owed::*;
pub use request_capital_exit::*;
