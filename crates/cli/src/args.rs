//! The arguments of a use-case subcommand: its own options (the files it reads, the outputs it
//! writes), and every other `--flag VALUE` as one of the use case's parameters, read by
//! `usecases::params` from the same declaration as the page's form, with the same names and
//! defaults. `--help` lists both, the parameters with their defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use usecases::params::{self, Params};

/// An option of a subcommand that is not a parameter.
#[derive(Clone, Copy)]
pub struct Own {
    /// Its name, without dashes (`train`).
    pub name: &'static str,
    /// Whether it takes a value (`--out DIR`) or is a switch (`--long`).
    pub value: bool,
    /// One line of help, shown after the name (`FILE  Rossmann's train.csv (required)`).
    pub help: &'static str,
}

/// An old spelling of a parameter, kept so that existing scripts run: `--alias VALUE` is read
/// as `--param f(VALUE)`.
pub struct Alias {
    /// The old flag (`budget-gb`).
    pub flag: &'static str,
    /// The parameter's flag (`memory-budget`).
    pub param: &'static str,
    /// Whether it takes a value; a switch sets `value_of("")`.
    pub value: bool,
    /// The parameter's value for the given text.
    pub value_of: fn(&str) -> Result<String, String>,
}

/// What was given.
pub struct Parsed<P> {
    /// The own options given, with their values (`""` for a switch), in order.
    pub own: BTreeMap<&'static str, Vec<String>>,
    /// The parameters.
    pub params: P,
    /// The subcommand's usage, for an error that points at it.
    pub usage: String,
}

impl<P> Parsed<P> {
    /// The last value of own option `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.own
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// The last value of own option `name` as a path.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.value(name).map(PathBuf::from)
    }

    /// The path of own option `name`, or the error saying it is required, with the usage.
    pub fn required_path(&self, name: &str) -> Result<PathBuf, String> {
        self.path(name)
            .ok_or_else(|| format!("--{name} is required\n{}", self.usage))
    }

    /// Whether switch `name` was given.
    pub fn switch(&self, name: &str) -> bool {
        self.own.contains_key(name)
    }
}

/// A subcommand's usage: its own options, then its parameters with their defaults.
pub fn usage<P: Params>(command: &str, own: &[Own], aliases: &[Alias]) -> String {
    let mut text = format!("usage: vitrine {command} [OPTIONS]\n\nOptions:\n");
    for o in own {
        text.push_str(&format!("  --{:<18} {}\n", o.name, o.help));
    }
    text.push_str("  --threads N          threads for training (default: every core)\n");
    text.push_str("\nParameters (the page's form has the same, with the same defaults):\n");
    text.push_str(&params::help::<P>());
    if !aliases.is_empty() {
        let names: Vec<String> = aliases
            .iter()
            .map(|a| format!("--{} (--{})", a.flag, a.param))
            .collect();
        text.push_str(&format!("\nAlso accepted: {}\n", names.join(", ")));
    }
    text
}

/// Parses the arguments after the subcommand. Returns `None` after printing the usage for
/// `--help`. A parameter flag given several times gathers its values into a comma-separated
/// list (`--ordinal a --ordinal b`); `--threads` configures the thread pool.
pub fn parse<P: Params>(
    mut parser: lexopt::Parser,
    command: &str,
    own: &[Own],
    aliases: &[Alias],
) -> Result<Option<Parsed<P>>, String> {
    use lexopt::prelude::*;
    let usage = || usage::<P>(command, own, aliases);
    let mut given: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut threads = None;
    let text = |parser: &mut lexopt::Parser| -> Result<String, String> {
        Ok(parser
            .value()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned())
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        let name = match arg {
            Short('h') | Long("help") => {
                println!("{}", usage());
                return Ok(None);
            }
            Long(name) => name.to_string(),
            other => return Err(format!("{}\n{}", other.unexpected(), usage())),
        };
        if name == "threads" {
            let value = text(&mut parser)?;
            threads = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("--threads takes a whole number, not \"{value}\""))?,
            );
        } else if let Some(o) = own.iter().find(|o| o.name == name) {
            let value = if o.value {
                text(&mut parser)?
            } else {
                String::new()
            };
            given.entry(o.name).or_default().push(value);
        } else if let Some(a) = aliases.iter().find(|a| a.flag == name) {
            let raw = if a.value {
                text(&mut parser)?
            } else {
                String::new()
            };
            let value = (a.value_of)(&raw).map_err(|e| format!("--{}: {e}", a.flag))?;
            push_flag(&mut flags, a.param, value);
        } else {
            let value = text(&mut parser)?;
            push_flag(&mut flags, &name, value);
        }
    }
    crate::threads::configure(threads)?;
    let params = params::from_flags::<P>(&flags).map_err(|e| format!("{e}\n{}", usage()))?;
    Ok(Some(Parsed {
        own: given,
        params,
        usage: usage(),
    }))
}

fn push_flag(flags: &mut Vec<(String, String)>, name: &str, value: String) {
    match flags.iter_mut().find(|(n, _)| n == name) {
        Some((_, values)) => {
            values.push(',');
            values.push_str(&value);
        }
        None => flags.push((name.to_string(), value)),
    }
}
