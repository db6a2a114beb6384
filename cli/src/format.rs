//! How the command writes what it reports: token amounts as people write them (`1,250.5`) and
//! as the program counts them (base units), dates, basis points and ratios.

use crate::errors::{CliError, Result};

/// Parses a decimal amount of a mint with `decimals` into base units, refusing more decimal
/// places than the mint has (no silent rounding) and overflow.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64> {
    let cleaned: String = text.chars().filter(|c| *c != ',' && *c != '_').collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let invalid = || CliError(format!("`{text}` is not an amount"));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(invalid());
    }
    if fraction.len() > usize::from(decimals) {
        return Err(CliError(format!(
            "`{text}` has more than {decimals} decimal places"
        )));
    }
    let scale = 10u64.checked_pow(u32::from(decimals)).ok_or_else(invalid)?;
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| invalid())?
    };
    let padded = format!("{fraction:0<width$}", width = usize::from(decimals));
    let fraction: u64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| invalid())?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| CliError(format!("`{text}` is too large")))
}

/// `1234567` as `1,234,567`.
pub fn thousands(value: impl ToString) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// Formats base units with thousands separators and the mint's decimals, trailing zeros kept
/// to two places (`1,250.50`). Total for every `decimals`: beyond 10^38 the scale exceeds any
/// u64, so the whole amount is the fraction.
pub fn format_amount(amount: u64, decimals: u8) -> String {
    let (whole, fraction) = match 10u128.checked_pow(u32::from(decimals)) {
        Some(scale) => (u128::from(amount) / scale, u128::from(amount) % scale),
        None => (0, u128::from(amount)),
    };
    let grouped = thousands(whole);
    if decimals == 0 {
        return grouped;
    }
    let mut fraction = format!("{fraction:0width$}", width = usize::from(decimals));
    while fraction.len() > 2 && fraction.ends_with('0') {
        fraction.pop();
    }
    format!("{grouped}.{fraction}")
}

/// Formats base units of a 6-decimal mint as `1,234.56` (cents, rounded down).
pub fn usdc(amount: u64) -> String {
    const UNIT: u64 = 1_000_000;
    let cents = (amount % UNIT) / 10_000;
    format!("{}.{cents:02}", thousands(amount / UNIT))
}

/// `250` bps as `2.50%`.
pub fn bps(value: u64) -> String {
    format!("{}.{:02}%", value / 100, value % 100)
}

/// A capacity ratio in bps as `1.50`.
pub fn ratio(bps: u32) -> String {
    format!("{}.{:02}", bps / 10_000, (bps % 10_000) / 100)
}

/// `YYYY-MM-DD HH:MM` UTC of a Unix time.
pub fn date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60
    )
}

/// `bytes` in lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(date(-86_400), "1969-12-31 00:00");
        assert_eq!(date(1_709_164_800), "2024-02-29 00:00");
        assert_eq!(date(951_782_400 + 13 * 3_600 + 7 * 60), "2000-02-29 13:07");
        assert_eq!(date(1_767_571_200), "2026-01-05 00:00");
    }

    #[test]
    fn bps_read_as_percentages() {
        assert_eq!(bps(250), "2.50%");
        assert_eq!(bps(10_000), "100.00%");
        assert_eq!(bps(7), "0.07%");
        assert_eq!(ratio(15_000), "1.50");
        assert_eq!(usdc(1_234_567_890), "1,234.56");
    }

    #[test]
    fn amounts_round_trip_exactly() {
        assert_eq!(parse_amount("1,250.5", 6), Ok(1_250_500_000));
        assert_eq!(parse_amount("0.000001", 6), Ok(1));
        assert_eq!(parse_amount(".5", 6), Ok(500_000));
        assert_eq!(parse_amount("7", 0), Ok(7));
        assert_eq!(format_amount(1_250_500_000, 6), "1,250.50");
        assert_eq!(format_amount(1, 6), "0.000001");
        assert_eq!(format_amount(7, 0), "7");
    }

    #[test]
    fn any_decimals_format_without_overflow() {
        assert_eq!(format_amount(u64::MAX, 0), "18,446,744,073,709,551,615");
        assert_eq!(
            format_amount(u64::MAX, 38),
            "0.00000000000000000018446744073709551615"
        );
        assert_eq!(format_amount(1, 39), format!("0.{}1", "0".repeat(38)));
        assert_eq!(format_amount(1, 255), format!("0.{}1", "0".repeat(254)));
        assert_eq!(format_amount(0, 255), "0.00");
    }

    #[test]
    fn bad_amounts_are_refused_not_rounded() {
        assert_eq!(
            parse_amount("0.0000001", 6),
            Err(CliError(
                "`0.0000001` has more than 6 decimal places".into()
            ))
        );
        assert_eq!(
            parse_amount("1e6", 6),
            Err(CliError("`1e6` is not an amount".into()))
        );
        assert_eq!(
            parse_amount("-1", 6),
            Err(CliError("`-1` is not an amount".into()))
        );
        assert_eq!(
            parse_amount("", 6),
            Err(CliError("`` is not an amount".into()))
        );
        assert_eq!(
            parse_amount("18446744073709.551616", 6),
            Err(CliError("`18446744073709.551616` is too large".into()))
        );
    }
}
