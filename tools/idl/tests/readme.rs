//! The README's generated tables are fresh, and what the parameter table says is what
//! `ProtocolParams::validate` does: every bound and every rule is probed just inside (accepted)
//! and just outside (refused with exactly the listed error).

use anchor_lang_idl::types::Idl;
use bulwark::state::{Param, ParamRule, ProtocolParams, PARAM_BOUNDS, PARAM_RULES};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The committed IDL (its own freshness is `bulwark-idl --check`'s and tests/fresh.rs's).
fn idl() -> Idl {
    let text = std::fs::read_to_string(root().join("idl/bulwark.json")).expect("idl/bulwark.json");
    serde_json::from_str(&text).expect("the IDL parses")
}

fn set(params: ProtocolParams, param: Param, value: u64) -> ProtocolParams {
    params
        .with(param, value)
        .unwrap_or_else(|| panic!("{value} does not fit {}", param.name()))
}

/// The lowest value `param` may take on its own.
fn lowest(param: Param) -> u64 {
    PARAM_BOUNDS
        .iter()
        .find(|b| b.param == param)
        .map_or(0, |b| b.min)
}

/// The highest value `param` may take on its own, if it has a bound.
fn highest(param: Param) -> Option<u64> {
    PARAM_BOUNDS
        .iter()
        .find(|b| b.param == param)
        .map(|b| b.max)
}

/// Parameters that leave every rule the most room: each at its lowest, except those only ever
/// on a rule's right-hand side, at their highest.
fn roomy() -> ProtocolParams {
    let on_left = |p: &Param| PARAM_RULES.iter().any(|r| r.lhs.contains(p));
    Param::ALL
        .iter()
        .fold(ProtocolParams::default(), |params, param| {
            let value = match highest(*param) {
                Some(max) if !on_left(param) => max,
                _ => lowest(*param),
            };
            set(params, *param, value)
        })
}

#[test]
fn readme_sections_are_fresh() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let rendered = bulwark_idl::render_readme(&readme, &idl()).expect("README.md renders");
    assert!(
        rendered == readme,
        "README.md's generated sections are stale: run `cargo run -p bulwark-idl` and commit it"
    );
}

#[test]
fn the_defaults_and_the_roomiest_parameters_are_valid() {
    assert_eq!(ProtocolParams::default().validate(), Ok(()));
    assert_eq!(roomy().validate(), Ok(()));
}

#[test]
fn every_parameter_has_a_bound_or_a_rule() {
    for param in Param::ALL {
        let bounded = PARAM_BOUNDS.iter().any(|b| b.param == param);
        let ruled = PARAM_RULES
            .iter()
            .any(|r| r.lhs.contains(&param) || r.rhs.contains(&param));
        assert!(
            bounded || ruled,
            "{} is neither bounded nor ruled",
            param.name()
        );
    }
}

#[test]
fn every_bound_is_the_one_validate_checks() {
    for bound in PARAM_BOUNDS {
        let name = bound.param.name();
        let refused = Err(bound.error.into());
        let mut probed = 0;
        if bound.min > 0 {
            let below = set(ProtocolParams::default(), bound.param, bound.min - 1);
            assert_eq!(
                below.validate(),
                refused,
                "{name} = {} (below)",
                bound.min - 1
            );
            let at = set(roomy(), bound.param, bound.min);
            assert_eq!(
                at.validate(),
                Ok(()),
                "{name} = {} (its minimum)",
                bound.min
            );
            probed += 1;
        }
        if bound.max < u64::MAX {
            let above = set(ProtocolParams::default(), bound.param, bound.max + 1);
            assert_eq!(
                above.validate(),
                refused,
                "{name} = {} (above)",
                bound.max + 1
            );
            let at = set(roomy(), bound.param, bound.max);
            assert_eq!(
                at.validate(),
                Ok(()),
                "{name} = {} (its maximum)",
                bound.max
            );
            probed += 1;
        }
        assert!(probed > 0, "{name}'s bound bounds nothing");
    }
}

fn sum(params: &ProtocolParams, side: &[Param]) -> u64 {
    side.iter().map(|p| params.get(*p)).sum()
}

/// From the roomiest parameters, one parameter of `rule` moved so that the rule holds with
/// equality (`Ok` expected) and, one further, is broken: the first parameter for which the
/// equality is valid.
fn rule_boundary(rule: &ParamRule) -> Option<(Param, ProtocolParams, ProtocolParams)> {
    let base = roomy();
    let left = sum(&base, rule.lhs);
    let right = sum(&base, rule.rhs) + rule.constant;
    let lhs = rule.lhs.iter().map(|p| (*p, true));
    let rhs = rule.rhs.iter().map(|p| (*p, false));
    lhs.chain(rhs).find_map(|(param, on_left)| {
        let now = base.get(param);
        let (at, beyond) = if on_left {
            let at = (right + now).checked_sub(left)?;
            (at, at.checked_add(1)?)
        } else {
            let at = (left + now).checked_sub(right)?;
            (at, at.checked_sub(1)?)
        };
        let at = base.with(param, at)?;
        let beyond = base.with(param, beyond)?;
        (at.validate() == Ok(())).then_some((param, at, beyond))
    })
}

#[test]
fn every_rule_is_the_one_validate_checks() {
    for (i, rule) in PARAM_RULES.iter().enumerate() {
        let (param, at, beyond) = rule_boundary(rule)
            .unwrap_or_else(|| panic!("rule {} cannot be probed at its boundary", i + 1));
        let name = param.name();
        assert_eq!(
            beyond.validate(),
            Err(rule.error.into()),
            "rule {}: {name} = {} breaks it (at {})",
            i + 1,
            beyond.get(param),
            at.get(param)
        );
    }
}
