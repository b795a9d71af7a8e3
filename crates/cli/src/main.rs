//! `vitrine`: the native command line. Each subcommand lives in its own module and takes the
//! remaining arguments; results go to stdout as JSON, human messages to stderr, and a bad input
//! exits with status 1 and the same message the page shows.

mod args;
mod cluster;
mod forecast;
mod impute;
mod input;
mod orders;
mod profile;
mod propensity;
mod recommend;
mod sample;
mod stream;
mod threads;

use std::process::ExitCode;

/// A subcommand: its name, one line of help, and the function that runs it on the remaining
/// arguments. Adding a subcommand is one module and one line here.
struct Command {
    name: &'static str,
    usage: &'static str,
    run: fn(lexopt::Parser) -> Result<(), String>,
}

const COMMANDS: &[Command] = &[
    Command {
        name: "sample",
        usage: "sample DATASET --out DIR [--scale F] [--seed N]   write a synthetic dataset (rossmann, bosch, santander, instacart)",
        run: sample::run,
    },
    Command {
        name: "forecast",
        usage: "forecast --train FILE [--store FILE] [--predict FILE] ...   forecast daily store sales (use case 1.1)",
        run: forecast::run,
    },
    Command {
        name: "profile",
        usage: "profile FILE...                                  read CSV files, print column types, missing values and ready use cases",
        run: profile::run,
    },
    Command {
        name: "impute",
        usage: "impute --input FILE [--m M] [--columns REGEX] [--out DIR] [--long]   fill holes by bootstrap EM (M imputed datasets)",
        run: impute::run,
    },
    Command {
        name: "stream",
        usage: "stream --numeric FILE [--date FILE] [--model M] [--window W] [--retrain-every N] [--threshold T] [--label-delay D]   score parts as a stream, alert on likely failures (use case 2.2)",
        run: stream::run,
    },
    Command {
        name: "cluster",
        usage: "cluster (--train FILE [--store FILE] | --table FILE [--id COL]) [--linkage L] [--k K]   which stores (entities) have similar profiles (use case 1.2)",
        run: cluster::run,
    },
    Command {
        name: "propensity",
        usage: "propensity --input FILE [--products LIST] [--trees N] [--campaign PRODUCT --out FILE]   per-product take-up forests (use case 3.1)",
        run: propensity::run,
    },
    Command {
        name: "recommend",
        usage: "recommend --input FILE [--k N] [--similarity cosine|jaccard] [--top 3] [--out FILE]   three products to recommend per customer (use case 3.2)",
        run: recommend::run,
    },
    Command {
        name: "next-order",
        usage: "next-order --orders FILE --prior FILE [--train FILE] [--products FILE] [--out FILE]   days until each customer's next order (use case 4.1)",
        run: orders::run_next_order,
    },
    Command {
        name: "reorder",
        usage: "reorder --orders FILE --prior FILE --train FILE [--products FILE] [--out FILE]   which products each customer buys again (use case 4.2)",
        run: orders::run_reorder,
    },
];

fn help() -> String {
    let mut text = String::from("vitrine: the Vitrine analytics engine on the command line\n\nUsage: vitrine COMMAND [OPTIONS]\n\nCommands:\n");
    for c in COMMANDS {
        text.push_str("  ");
        text.push_str(c.usage);
        text.push('\n');
    }
    text.push_str("\nOptions:\n  -h, --help   this help (also after a command)\n");
    text
}

fn main() -> ExitCode {
    let mut parser = lexopt::Parser::from_env();
    let first = match parser.next() {
        Ok(Some(lexopt::Arg::Value(v))) => v.to_string_lossy().into_owned(),
        Ok(Some(lexopt::Arg::Short('h') | lexopt::Arg::Long("help"))) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Ok(None) => {
            eprint!("{}", help());
            return ExitCode::FAILURE;
        }
        Ok(Some(other)) => {
            eprintln!("vitrine: {}", other.unexpected());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("vitrine: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(command) = COMMANDS.iter().find(|c| c.name == first) else {
        eprintln!("vitrine: unknown command \"{first}\"\n\n{}", help());
        return ExitCode::FAILURE;
    };
    match (command.run)(parser) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vitrine {}: {message}", command.name);
            ExitCode::FAILURE
        }
    }
}
