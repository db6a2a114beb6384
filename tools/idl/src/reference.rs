//! The README's instruction reference, written from the IDL: per instruction its arguments,
//! every account (writable, signer, and how a client gets it: an address, seeds, a relation,
//! or the caller's choice) and, from the instruction's doc comment, its remaining accounts.

use anchor_lang_idl::types::{
    Idl, IdlArrayLen, IdlInstruction, IdlInstructionAccount, IdlInstructionAccountItem, IdlSeed,
    IdlType,
};

/// The section's body: one block per instruction, in the IDL's (alphabetical) order.
pub fn instructions_section(idl: &Idl) -> Result<String, String> {
    let mut out = String::from(
        "Per instruction: its arguments and accounts in order. **w** writable, **s** signer. \
         *From* is how a client gets the account: a fixed address, seeds (`\"text\"` a constant, \
         `arg.x` an argument, `acc` an account of the instruction, `acc.field` a field of that \
         account's data), a relation (the field of that name in the named account), or *yours* \
         (the caller names it: its signers, mints, token accounts and the account it acts \
         on). Anchor's client derives every other account.\n",
    );
    for ix in &idl.instructions {
        out.push('\n');
        out.push_str(&instruction(ix)?);
    }
    Ok(out)
}

fn instruction(ix: &IdlInstruction) -> Result<String, String> {
    let args = ix
        .args
        .iter()
        .map(|arg| format!("{}: {}", arg.name, type_name(&arg.ty)))
        .collect::<Vec<_>>()
        .join(", ");
    let returns = ix
        .returns
        .as_ref()
        .map(|ty| format!(" → {}", type_name(ty)))
        .unwrap_or_default();
    let mut out = format!("#### `{}({args}){returns}`\n\n", ix.name);
    // Doc comment lines, joined into paragraphs where the comment has a blank line.
    for paragraph in ix.docs.split(|line| line.trim().is_empty()) {
        if !paragraph.is_empty() {
            out.push_str(&paragraph.join(" "));
            out.push_str("\n\n");
        }
    }
    out.push_str("| account | w | s | from |\n| --- | :-: | :-: | --- |\n");
    for item in &ix.accounts {
        let IdlInstructionAccountItem::Single(account) = item else {
            return Err(format!("{}: nested accounts are not expected", ix.name));
        };
        out.push_str(&format!(
            "| `{}`{} | {} | {} | {} |\n",
            account.name,
            if account.optional { " (optional)" } else { "" },
            if account.writable { "w" } else { "" },
            if account.signer { "s" } else { "" },
            source(account),
        ));
    }
    Ok(out)
}

/// How a client gets `account`.
fn source(account: &IdlInstructionAccount) -> String {
    if let Some(address) = &account.address {
        return format!("address `{address}`");
    }
    if let Some(pda) = &account.pda {
        let seeds = pda.seeds.iter().map(seed).collect::<Vec<_>>().join(", ");
        return format!("seeds [{seeds}]");
    }
    if !account.relations.is_empty() {
        let of = account
            .relations
            .iter()
            .map(|r| format!("`{r}.{}`", account.name))
            .collect::<Vec<_>>()
            .join(", ");
        return format!("relation {of}");
    }
    "*yours*".to_string()
}

fn seed(seed: &IdlSeed) -> String {
    match seed {
        IdlSeed::Const(c) => match std::str::from_utf8(&c.value) {
            Ok(text) if text.chars().all(|ch| ch.is_ascii_graphic()) => format!("`\"{text}\"`"),
            // The ProgramData seed: the program's own id (32 bytes).
            _ => format!("{} bytes", c.value.len()),
        },
        IdlSeed::Arg(a) => format!("`arg.{}`", a.path),
        IdlSeed::Account(a) => format!("`{}`", a.path),
    }
}

fn type_name(ty: &IdlType) -> String {
    match ty {
        IdlType::Bool => "bool".into(),
        IdlType::U8 => "u8".into(),
        IdlType::I8 => "i8".into(),
        IdlType::U16 => "u16".into(),
        IdlType::I16 => "i16".into(),
        IdlType::U32 => "u32".into(),
        IdlType::I32 => "i32".into(),
        IdlType::F32 => "f32".into(),
        IdlType::U64 => "u64".into(),
        IdlType::I64 => "i64".into(),
        IdlType::F64 => "f64".into(),
        IdlType::U128 => "u128".into(),
        IdlType::I128 => "i128".into(),
        IdlType::U256 => "u256".into(),
        IdlType::I256 => "i256".into(),
        IdlType::Bytes => "bytes".into(),
        IdlType::String => "string".into(),
        IdlType::Pubkey => "pubkey".into(),
        IdlType::Option(inner) => format!("Option<{}>", type_name(inner)),
        IdlType::Vec(inner) => format!("Vec<{}>", type_name(inner)),
        IdlType::Array(inner, IdlArrayLen::Value(n)) => format!("[{}; {n}]", type_name(inner)),
        IdlType::Array(inner, IdlArrayLen::Generic(n)) => format!("[{}; {n}]", type_name(inner)),
        IdlType::Defined { name, .. } => name.clone(),
        IdlType::Generic(name) => name.clone(),
        // The spec's enum is non-exhaustive: a newer type prints as the IDL spells it.
        other => format!("{other:?}"),
    }
}
