//! The README's generated sections: the protocol parameter table, written from the bounds and
//! rules `ProtocolParams::validate` checks (`bulwark::state::{PARAM_BOUNDS, PARAM_RULES}`), the
//! defaults of `ProtocolParams::default()` and the fields' doc comments in the IDL; the error
//! table, written from the IDL's `errors`; the instruction reference ([`reference`]). Each sits
//! between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in README.md;
//! `cargo run -p bulwark-idl` rewrites them.

pub mod reference;

use anchor_lang_idl::types::{Idl, IdlDefinedFields, IdlTypeDefTy};
use bulwark::constants::SECONDS_PER_DAY;
use bulwark::error::BulwarkError;
use bulwark::state::{Param, ParamBound, ProtocolParams, Unit, PARAM_BOUNDS, PARAM_RULES};

/// `(name, body)` of every generated README section.
pub fn sections(idl: &Idl) -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        ("params", params_section(idl)?),
        ("errors", errors_section(idl)),
        ("instructions", reference::instructions_section(idl)?),
    ])
}

/// `readme` with every generated section rewritten from `idl`.
pub fn render_readme(readme: &str, idl: &Idl) -> Result<String, String> {
    sections(idl)?
        .iter()
        .try_fold(readme.to_string(), |text, (name, body)| {
            splice(&text, name, body)
        })
}

/// `text` with the lines between the markers of section `name` replaced by `body`.
pub fn splice(text: &str, name: &str, body: &str) -> Result<String, String> {
    let open = format!("<!-- generated:{name} -->\n");
    let close = format!("<!-- /generated:{name} -->");
    let start = match text
        .match_indices(&open)
        .map(|(i, _)| i)
        .collect::<Vec<_>>()[..]
    {
        [start] => start + open.len(),
        [] => return Err(format!("README.md has no `{}` line", open.trim_end())),
        _ => return Err(format!("README.md has more than one `{}`", open.trim_end())),
    };
    let end = text[start..]
        .find(&close)
        .map(|i| start + i)
        .ok_or_else(|| {
            format!(
                "README.md does not close `{}` with `{close}`",
                open.trim_end()
            )
        })?;
    Ok(format!("{}{body}{}", &text[..start], &text[end..]))
}

/// `1234567` as `1,234,567`.
fn thousands(value: u64) -> String {
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

/// `250` bps as `2.5%`.
fn percent(bps: u64) -> String {
    let fraction = format!("{:02}", bps % 100);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{}%", bps / 100)
    } else {
        format!("{}.{fraction}%", bps / 100)
    }
}

/// `259200` seconds as `3 days`.
fn duration(seconds: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let day = SECONDS_PER_DAY.unsigned_abs();
    match seconds {
        0 => "0".to_string(),
        s if s.is_multiple_of(day) => plural(s / day, "day"),
        s if s.is_multiple_of(3_600) => plural(s / 3_600, "hour"),
        s => plural(s, "second"),
    }
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Bps => "bps",
        Unit::BpsPerDay => "bps per day",
        Unit::Weight => "weight points",
        Unit::Seconds => "seconds",
        Unit::VoteWeight => "assessment-mint base units",
    }
}

/// `value` in `unit`, with what it means where that helps (`5,000 (50%)`, `86,400 (1 day)`).
fn value(unit: Unit, value: u64) -> String {
    let plain = thousands(value);
    match unit {
        Unit::Bps => format!("{plain} ({})", percent(value)),
        Unit::BpsPerDay => format!("{plain} ({}/day)", percent(value)),
        Unit::Seconds => format!("{plain} ({})", duration(value)),
        Unit::Weight | Unit::VoteWeight => plain,
    }
}

/// A bound's range as `min – max`, `≤ max` or `≥ min` (0 and `u64::MAX` bound nothing).
fn range(bound: &ParamBound) -> String {
    let unit = bound.param.unit();
    match (bound.min, bound.max) {
        (0, max) => format!("≤ {}", value(unit, max)),
        (min, u64::MAX) => format!("≥ {}", value(unit, min)),
        (min, max) => format!("{} – {}", value(unit, min), value(unit, max)),
    }
}

fn error(error: BulwarkError) -> String {
    format!("`{}` ({})", error.name(), u32::from(error))
}

/// The rule's inequality, e.g. `` `silent_ending` ≤ `voting_period` ``.
fn rule_text(lhs: &[Param], rhs: &[Param], constant: u64) -> String {
    let side = |params: &[Param]| {
        params
            .iter()
            .map(|p| format!("`{}`", p.name()))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut right = side(rhs);
    if constant > 0 {
        if !right.is_empty() {
            right.push_str(" + ");
        }
        right.push_str(&thousands(constant));
    }
    format!("{} ≤ {right}", side(lhs))
}

/// The doc comment of each field of `ProtocolParams` in the IDL, which must list exactly the
/// parameters of `Param::ALL`, in order.
fn field_docs(idl: &Idl) -> Result<Vec<String>, String> {
    let fields = idl
        .types
        .iter()
        .find(|t| t.name == "ProtocolParams")
        .and_then(|t| match &t.ty {
            IdlTypeDefTy::Struct {
                fields: Some(IdlDefinedFields::Named(fields)),
            } => Some(fields),
            _ => None,
        })
        .ok_or("the IDL has no ProtocolParams struct")?;
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let expected: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
    if names != expected {
        return Err(format!(
            "ProtocolParams has the fields {names:?} in the IDL, but Param::ALL lists {expected:?}"
        ));
    }
    fields
        .iter()
        .map(|f| {
            if f.docs.is_empty() {
                return Err(format!("ProtocolParams::{} has no doc comment", f.name));
            }
            Ok(f.docs.join(" ").replace('|', "\\|"))
        })
        .collect()
}

/// The parameter table and the rules between parameters.
pub fn params_section(idl: &Idl) -> Result<String, String> {
    let docs = field_docs(idl)?;
    let defaults = ProtocolParams::default();
    let mut out = String::from(
        "| parameter | meaning | unit | default | bounds | error when out of bounds |\n\
         | --- | --- | --- | ---: | --- | --- |\n",
    );
    for (param, doc) in Param::ALL.iter().zip(&docs) {
        let bound = PARAM_BOUNDS.iter().find(|b| b.param == *param);
        let rules: Vec<String> = PARAM_RULES
            .iter()
            .enumerate()
            .filter(|(_, r)| r.lhs.contains(param) || r.rhs.contains(param))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        let rules = match rules.len() {
            0 => None,
            1 => Some(format!("rule {}", rules[0])),
            _ => Some(format!("rules {}", rules.join(", "))),
        };
        let bounds = [bound.map(range), rules]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        out.push_str(&format!(
            "| `{}` | {doc} | {} | {} | {bounds} | {} |\n",
            param.name(),
            unit_name(param.unit()),
            value(param.unit(), defaults.get(*param)),
            bound.map_or_else(|| "—".to_string(), |b| error(b.error)),
        ));
    }
    out.push_str("\n| rule | must hold | error when broken |\n| --- | --- | --- |\n");
    for (i, rule) in PARAM_RULES.iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            i + 1,
            rule_text(rule.lhs, rule.rhs, rule.constant),
            error(rule.error)
        ));
    }
    Ok(out)
}

/// Every program error of the IDL: code in decimal and hex, name, message.
pub fn errors_section(idl: &Idl) -> String {
    let mut out = String::from("| code | hex | name | message |\n| ---: | --- | --- | --- |\n");
    for e in &idl.errors {
        out.push_str(&format!(
            "| {} | `{:#x}` | `{}` | {} |\n",
            e.code,
            e.code,
            e.name,
            e.msg.as_deref().unwrap_or("").replace('|', "\\|")
        ));
    }
    out
}
