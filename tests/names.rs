//! The small enums' names, lists and parsing are derived (strum); these are
//! the names links, the command line and the JSON reports have always
//! used, in the order the page and the command line list them.

use canteen::lang::Lang;
use canteen::peak::{Preset, Variant};
use canteen::playground::form::{DelayKind, Field};
use canteen::scenario::ending::{Strategy, UnknownStrategy};
use canteen::scenario::{ScenarioKind, UnknownScenario};
use canteen::scraper::rows::RowState;
use canteen::scraper::Shape;
use canteen::termination::ledger::Ending;
use canteen::trace::FetchFault;
use strum::VariantArray;

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&t| name(t)).collect()
}

#[test]
fn the_lists_keep_their_names_and_order() {
    assert_eq!(
        names(ScenarioKind::VARIANTS, ScenarioKind::name),
        ["plain", "hotdog", "custom", "termination"]
    );
    assert_eq!(
        names(Strategy::VARIANTS, Strategy::name),
        [
            "none",
            "join-terminate",
            "daemon",
            "sentinel",
            "sentinel-bug",
            "shutdown",
            "shutdown-immediate"
        ]
    );
    assert_eq!(
        names(Preset::VARIANTS, Preset::name),
        ["steady", "flash-sale", "two-bursts"]
    );
    assert_eq!(
        names(Variant::VARIANTS, Variant::name),
        ["direct", "queued"]
    );
    assert_eq!(
        names(DelayKind::VARIANTS, DelayKind::name),
        ["const", "uniform", "exp"]
    );
    assert_eq!(
        names(Field::VARIANTS, Field::config_name),
        [
            "seed",
            "producers",
            "consumers",
            "items",
            "capacity",
            "produce-delay",
            "consume-delay"
        ]
    );
}

#[test]
fn the_other_names_are_as_before() {
    use RowState::*;
    assert_eq!(
        [Waiting, Fetching, Fetched, Queued, Counting, Counted, Failed].map(RowState::name),
        ["waiting", "fetching", "fetched", "queued", "counting", "counted", "failed"]
    );
    assert_eq!(
        [
            Ending::Returned,
            Ending::Terminated,
            Ending::DaemonExit,
            Ending::Killed
        ]
        .map(Ending::name),
        ["returned", "terminated", "daemon_exit", "killed"]
    );
    assert_eq!(
        [
            FetchFault::MalformedUrl,
            FetchFault::Network,
            FetchFault::CrossOrigin,
            FetchFault::HttpStatus(404),
            FetchFault::Timeout,
            FetchFault::NotText,
            FetchFault::TooLarge,
        ]
        .map(FetchFault::name),
        [
            "malformed_url",
            "network",
            "cross_origin",
            "http_status",
            "timeout",
            "not_text",
            "too_large"
        ]
    );
    assert_eq!(
        [Shape::Plain, Shape::Joinable].map(Shape::name),
        ["plain", "joinable"]
    );
    assert_eq!([Lang::Zh, Lang::En].map(Lang::code), ["zh", "en"]);
}

#[test]
fn names_parse_back_and_unknown_names_are_kept() {
    for &kind in ScenarioKind::VARIANTS {
        assert_eq!(kind.name().parse(), Ok(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
    assert_eq!(
        "pizza".parse::<ScenarioKind>(),
        Err(UnknownScenario("pizza".into()))
    );
    assert_eq!(
        "Plain".parse::<ScenarioKind>().ok(),
        None,
        "names are exact"
    );
    assert_eq!(
        "poison".parse::<Strategy>(),
        Err(UnknownStrategy("poison".into()))
    );
    for &kind in DelayKind::VARIANTS {
        assert_eq!(kind.name().parse(), Ok(kind));
    }
    assert_eq!("gauss".parse::<DelayKind>().ok(), None);
    assert_eq!("joinable".parse(), Ok(Shape::Joinable));
    assert_eq!("zh".parse(), Ok(Lang::Zh));
    assert_eq!("fr".parse::<Lang>().ok(), None);
}
