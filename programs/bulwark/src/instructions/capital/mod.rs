pub mod capital_vault;
pub mod create_capital_pool;
pub mod deposit_capital;
pub mod execute_capital_exit;
pub mod request_capital_exit;
pub mod set_min_capital;

pub use capital_vault::*;
pub use create_capital_pool::*;
pub use deposit_capital::*;
pub use execute_capital_exit::*;
pub use request_capital_exit::*;
pub use set_min_capital::*;
