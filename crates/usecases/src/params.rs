//! A use case's parameters are declared once, with [`params!`](crate::params!): the struct, its
//! defaults and one line of help per field. The page's form (camelCase JSON names, defaults
//! asked of the engine), the facade's JSON and the command line's flags (kebab-case, listed with
//! their defaults by `--help`) all read that one declaration, so the same "defaults" train the
//! same model everywhere.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::UseCaseError;

/// Declares a parameter struct: every field with its doc comment (the help the command line and
/// the page show) and its default.
///
/// ```
/// usecases::params! {
///     /// Settings of a toy run.
///     pub struct ToyParams {
///         /// Trees in the ensemble.
///         pub trees: usize = 200,
///         /// Days held out for validation.
///         pub holdout_days: u32 = 42,
///     }
/// }
/// let docs = <ToyParams as usecases::params::Documented>::docs();
/// assert_eq!(docs[1].name, "holdoutDays");
/// assert_eq!(docs[1].flag, "holdout-days");
/// assert_eq!(ToyParams::default().trees, 200);
/// ```
#[macro_export]
macro_rules! params {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $field_doc:literal])+
                pub $field:ident : $ty:ty = $default:expr
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $field_doc])+
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }

        impl $crate::params::Documented for $name {
            fn docs() -> Vec<$crate::params::ParamDoc> {
                let defaults = $crate::params::to_json(&Self::default());
                vec![$(
                    $crate::params::ParamDoc::new(
                        stringify!($field),
                        concat!($($field_doc, "\n"),+),
                        &defaults,
                    ),
                )*]
            }
        }
    };
}

/// A value as JSON (`null` if it cannot be written: parameter structs always can).
pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// One parameter as every surface presents it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamDoc {
    /// The JSON and page name (`holdoutDays`).
    pub name: String,
    /// The command line's flag, without its dashes (`holdout-days`).
    pub flag: String,
    /// What it does, one line.
    pub help: String,
    /// Its default, as JSON (`null` when absent means "chosen by the run").
    pub default: Value,
}

impl ParamDoc {
    /// Describes the field `field` (snake_case) with its doc comment and its value in `defaults`.
    pub fn new(field: &str, doc: &str, defaults: &Value) -> ParamDoc {
        let name = camel_case(field);
        let help = doc
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        ParamDoc {
            default: defaults.get(&name).cloned().unwrap_or(Value::Null),
            flag: field.replace('_', "-"),
            name,
            help,
        }
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Parameters that document themselves (implemented by [`params!`](crate::params!)).
pub trait Documented {
    /// Every parameter, in declaration order, with its default.
    fn docs() -> Vec<ParamDoc>;
}

/// Parameters that validate themselves, naming the parameter at fault.
pub trait Check {
    /// Checks each value's range and the values together.
    fn check(&self) -> Result<(), UseCaseError>;
}

/// What every use case's parameter struct is.
pub trait Params: Documented + Check + Serialize + DeserializeOwned + Default + Clone {}

impl<P: Documented + Check + Serialize + DeserializeOwned + Default + Clone> Params for P {}

/// Reads parameters from JSON as the page sends them: absent names take their defaults, an
/// unknown name or a value of the wrong type is an error naming the parameter. Ranges are the
/// run's to check ([`Check`]), once.
pub fn from_json<P: Params>(json: &Value) -> Result<P, UseCaseError> {
    let given = match json {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        _ => {
            return Err(UseCaseError::param(
                "(all)",
                "parameters must be an object of name: value",
            ))
        }
    };
    serde_json::from_value::<P>(Value::Object(given.clone()))
        .map_err(|whole| culprit::<P>(&given, whole))
}

/// The parameter a failed deserialisation is about: each given value is tried alone on top of
/// the defaults, and the first that fails is named with its own message.
fn culprit<P: Params>(given: &Map<String, Value>, whole: serde_json::Error) -> UseCaseError {
    let known: Vec<String> = P::docs().into_iter().map(|d| d.name).collect();
    for (name, value) in given {
        if !known.contains(name) {
            return UseCaseError::param(
                name,
                format!("unknown parameter; the parameters are {}", known.join(", ")),
            );
        }
        let mut alone = Map::new();
        alone.insert(name.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<P>(Value::Object(alone)) {
            return UseCaseError::param(name, reword(name, &clean(&e)));
        }
    }
    UseCaseError::param("(all)", clean(&whole))
}

/// serde's "unknown variant `centroid`, expected one of `ward`, `average`" as a user reads it:
/// `unknown linkage "centroid": expected ward, average`.
fn reword(name: &str, message: &str) -> String {
    match message.strip_prefix("unknown variant `") {
        Some(rest) => {
            let (given, expected) = rest.split_once('`').unwrap_or((rest, ""));
            let expected = expected
                .trim_start_matches(", expected one of ")
                .trim_start_matches(", expected ")
                .replace('`', "");
            format!("unknown {name} \"{given}\": expected {expected}")
        }
        None => message.to_string(),
    }
}

/// serde's message without its JSON position (the user typed no JSON).
fn clean(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Reads parameters from command-line flags (`("holdout-days", "28")`, kebab-case names as
/// [`ParamDoc::flag`] spells them): each value is read as its parameter's default is typed (a
/// number, true/false, text, or a comma-separated list), then as [`from_json`] does.
pub fn from_flags<P: Params>(flags: &[(String, String)]) -> Result<P, UseCaseError> {
    let docs = P::docs();
    let mut object = Map::new();
    for (flag, text) in flags {
        let Some(doc) = docs.iter().find(|d| &d.flag == flag) else {
            let flags: Vec<String> = docs.iter().map(|d| format!("--{}", d.flag)).collect();
            return Err(UseCaseError::param(
                flag,
                format!("unknown option; the options are {}", flags.join(", ")),
            ));
        };
        let readings = flag_values(&doc.default, text);
        // The first reading the parameter accepts; else the first, whose error names the type.
        let fits = |value: &Value| {
            let mut alone = Map::new();
            alone.insert(doc.name.clone(), value.clone());
            serde_json::from_value::<P>(Value::Object(alone)).is_ok()
        };
        let value = readings
            .iter()
            .find(|v| fits(v))
            .unwrap_or(&readings[0])
            .clone();
        object.insert(doc.name.clone(), value);
    }
    from_json(&Value::Object(object))
}

/// The ways a flag's text reads as JSON, most likely first, shaped like the parameter's default
/// (a number, true/false, text, a comma-separated list, or `name=value` pairs); a parameter with
/// no default may take a scalar or a list.
fn flag_values(default: &Value, text: &str) -> Vec<Value> {
    let list = || {
        Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )
    };
    match default {
        Value::String(_) => vec![Value::String(text.to_string()), list()],
        Value::Array(_) => vec![list()],
        Value::Object(_) => vec![pairs(text)],
        Value::Null => vec![scalar(text), list()],
        _ => vec![scalar(text)],
    }
}

/// `promo2=0,sales_trend=0.5` as `{"promo2": 0, "sales_trend": 0.5}`.
fn pairs(text: &str) -> Value {
    Value::Object(
        text.split(',')
            .filter_map(|pair| pair.rsplit_once('='))
            .map(|(name, value)| (name.trim().to_string(), scalar(value)))
            .collect(),
    )
}

/// A number, true/false, or else the text itself.
fn scalar(text: &str) -> Value {
    let trimmed = text.trim();
    if let Ok(number) = trimmed.parse::<i64>() {
        return Value::from(number);
    }
    if let Some(number) = trimmed
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        return Value::Number(number);
    }
    match trimmed {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

/// The `--help` lines of a command's parameters: flag, default, help.
pub fn help<P: Params>() -> String {
    let docs = P::docs();
    let width = docs.iter().map(|d| d.flag.len()).max().unwrap_or(0) + 2;
    let mut text = String::new();
    for doc in docs {
        let default = match &doc.default {
            Value::Null => "none".to_string(),
            Value::String(s) => s.clone(),
            Value::Array(items) if items.is_empty() => "(none)".to_string(),
            other => other.to_string(),
        };
        text.push_str(&format!(
            "  --{:<width$} {}  [default: {default}]\n",
            doc.flag, doc.help
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::params! {
        /// A test struct.
        pub struct Toy {
            /// Number of trees.
            pub trees: usize = 200,
            /// Days held
            /// out.
            pub holdout_days: u32 = 42,
            /// Rate.
            pub learning_rate: f64 = 0.1,
            /// Chosen k.
            pub k: Option<usize> = None,
            /// Names.
            pub names: Vec<String> = Vec::new(),
            /// Names or none.
            pub maybe_names: Option<Vec<String>> = None,
            /// Weights.
            pub weights: std::collections::BTreeMap<String, f64> = Default::default(),
            /// A flag.
            pub round_integers: bool = false,
        }
    }

    impl Check for Toy {
        fn check(&self) -> Result<(), UseCaseError> {
            if self.trees == 0 {
                return Err(UseCaseError::param("trees", "at least 1"));
            }
            Ok(())
        }
    }

    fn param_name(error: UseCaseError) -> String {
        match error {
            UseCaseError::Param { name, .. } => name,
            other => panic!("not a parameter error: {other}"),
        }
    }

    #[test]
    fn docs_carry_names_flags_help_and_defaults() {
        let docs = Toy::docs();
        let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "trees",
                "holdoutDays",
                "learningRate",
                "k",
                "names",
                "maybeNames",
                "weights",
                "roundIntegers"
            ]
        );
        assert_eq!(docs[1].flag, "holdout-days");
        assert_eq!(docs[1].help, "Days held out.");
        assert_eq!(docs[2].default, serde_json::json!(0.1));
        assert_eq!(docs[3].default, Value::Null);
        let help = help::<Toy>();
        assert!(help.contains("--holdout-days"), "{help}");
        assert!(help.contains("[default: 42]"), "{help}");
    }

    #[test]
    fn json_takes_defaults_and_names_the_parameter_at_fault() {
        let p: Toy = from_json(&serde_json::json!({"holdoutDays": 7})).unwrap();
        assert_eq!((p.trees, p.holdout_days), (200, 7));
        let p: Toy = from_json(&Value::Null).unwrap();
        assert_eq!(p, Toy::default());
        let wrong = from_json::<Toy>(&serde_json::json!({"trees": 3, "holdoutDays": "x"}));
        assert_eq!(param_name(wrong.unwrap_err()), "holdoutDays");
        let unknown = from_json::<Toy>(&serde_json::json!({"tres": 3}));
        assert_eq!(param_name(unknown.unwrap_err()), "tres");
        let unchecked = from_json::<Toy>(&serde_json::json!({"trees": 0})).unwrap();
        assert_eq!(param_name(unchecked.check().unwrap_err()), "trees");
    }

    #[test]
    fn flags_are_read_as_their_defaults_are_typed() {
        let flags = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .collect()
        };
        let p: Toy = from_flags(&flags(&[
            ("trees", "50"),
            ("learning-rate", "0.3"),
            ("k", "4"),
            ("names", "L3_S29, L3_S30"),
            ("round-integers", "true"),
            ("maybe-names", "a,b"),
            ("weights", "promo2=0,trend=0.5"),
        ]))
        .unwrap();
        assert_eq!(p.maybe_names, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(p.weights["trend"], 0.5);
        assert_eq!(p.trees, 50);
        assert_eq!(p.learning_rate, 0.3);
        assert_eq!(p.k, Some(4));
        assert_eq!(p.names, ["L3_S29", "L3_S30"]);
        assert!(p.round_integers);
        let bad = from_flags::<Toy>(&flags(&[("trees", "many")]));
        assert_eq!(param_name(bad.unwrap_err()), "trees");
        let unknown = from_flags::<Toy>(&flags(&[("depth", "3")]));
        assert_eq!(param_name(unknown.unwrap_err()), "depth");
    }
}
