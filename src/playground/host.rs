//! The engine's side of a session that runs away (in the page's worker):
//! it takes [`Command`]s, works on the latest move in slices — so that the
//! thread it runs on can take a newer command or a cancel between two —
//! and answers with [`Reply`]s: progress while a move is long, then a
//! snapshot of the facts where the move ends. Free of the browser, so it is
//! tested natively; the worker binary only carries bytes and keeps time.

use std::rc::Rc;

use crate::scenario::{Config, ScenarioKind};

use super::live::Watch;
use super::outcomes::Outcomes;
use super::session::{Command, Engine, Progress, Reply, Snapshot};
use super::{lab, peak};

/// The move being worked on.
struct Job {
    id: u64,
    to: super::session::Position,
    chart: bool,
    /// When it started, in the caller's milliseconds.
    started_ms: f64,
}

/// An engine that answers commands.
#[derive(Default)]
pub struct Host {
    engine: Option<Engine>,
    /// The config of the latest move read: the one a move that leaves its
    /// config out is of (see [`super::wire::read_command_after`]).
    told: Option<Rc<Config>>,
    job: Option<Job>,
    /// The live run being watched, and its id.
    watch: Option<(u64, Watch)>,
}

impl Host {
    /// Takes a command at time `now_ms`: a move replaces the one being
    /// worked on; a cancel of that move answers at once with a snapshot of
    /// where it got to.
    pub fn receive(&mut self, command: Command, now_ms: f64) -> Option<Reply> {
        match command {
            Command::Go {
                id,
                config,
                to,
                chart,
            } => {
                if self.engine.as_ref().is_none_or(|e| e.config() != &*config) {
                    self.engine = Some(Engine::new(config.as_ref().clone()));
                }
                self.told = Some(config);
                self.job = Some(Job {
                    id,
                    to,
                    chart,
                    started_ms: now_ms,
                });
                None
            }
            Command::Cancel { id } => {
                let job = self.job.take_if(|job| job.id == id)?;
                Some(snapshot(self.engine.as_mut()?, job.id, true))
            }
            // Runs of a few thousand items each (the page caps them): made
            // at once, the move being worked on waits meanwhile.
            Command::Lab { id, config } => Some(Reply::Lab(id, lab_outcomes(&config))),
            Command::Peak { id, config } => Some(Reply::Peak(id, Rc::new(peak::run(&config)))),
            // Written and worded by the worker itself (`export::file`,
            // `i18n::lessons::given`, `python::python_code`): this layer has
            // no words.
            Command::Export { .. } | Command::Lesson { .. } | Command::Python { .. } => None,
            Command::Live { id, config, lines } => {
                if self
                    .watch
                    .as_ref()
                    .is_none_or(|(at, w)| *at != id || w.config() != &*config)
                {
                    self.watch = Some((id, Watch::new(config.as_ref().clone())));
                }
                let (_, watch) = self.watch.as_mut()?;
                watch.take(&lines);
                Some(Reply::Snapshot(Box::new(watch.snapshot(id))))
            }
        }
    }

    /// The config of the latest move taken.
    pub fn told(&self) -> Option<&Rc<Config>> {
        self.told.as_ref()
    }

    /// Whether a move waits to be worked on.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Works on the move for about `budget` events, at time `now_ms`: a
    /// snapshot when it is done, its progress otherwise (`None` when idle).
    pub fn work(&mut self, budget: u64, now_ms: f64) -> Option<Reply> {
        let job = self.job.as_ref()?;
        let engine = self.engine.as_mut()?;
        if engine.go_within(job.to, budget) {
            let reply = snapshot(engine, job.id, job.chart);
            self.job = None;
            return Some(reply);
        }
        let (now, events, consumed) = engine.progress();
        Some(Reply::Progress(
            job.id,
            Progress {
                now,
                events,
                consumed,
                elapsed_ms: now_ms - job.started_ms,
            },
        ))
    }
}

/// The termination lab's results for `config`: `None` when it is no lab
/// config or has too many items for the page.
pub fn lab_outcomes(config: &Config) -> Option<Rc<Outcomes>> {
    if config.scenario != ScenarioKind::Termination || config.validate().is_err() {
        return None;
    }
    lab::outcomes(config).map(Rc::new)
}

/// Where the engine is and what it shows there.
fn snapshot(engine: &mut Engine, id: u64, chart: bool) -> Reply {
    Reply::Snapshot(Box::new(Snapshot {
        id,
        position: engine.position(),
        moment: engine.moment(),
        chart: chart.then(|| engine.chart()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Outcome;
    use crate::scenario::ending::Strategy;
    use crate::scenario::{Config, ScenarioKind};
    use crate::trace::ActorId;

    use super::super::session::{Moment, Session};
    use super::super::wire::{command_bytes, read_command, read_reply, reply_bytes};

    /// What a moment shows, as the bytes that carry it (the wire carries
    /// every fact, so equal bytes are equal facts).
    fn facts(m: &Moment) -> Vec<u8> {
        reply_bytes(&Reply::Snapshot(Box::new(Snapshot {
            id: 0,
            position: Default::default(),
            moment: m.clone(),
            chart: None,
        })))
    }

    /// Carries the session's commands to the host and the replies back,
    /// through their bytes, until nothing is pending; `budget` events a
    /// slice. Returns the progress reports seen.
    fn settle(session: &mut Session, host: &mut Host, budget: u64) -> usize {
        let mut reports = 0;
        let mut sent = None;
        while let Some(command) = session.command() {
            if sent.as_ref() != Some(&command) {
                let read = read_command(&command_bytes(&command)).expect("a command reads back");
                assert_eq!(read, command);
                if let Some(reply) = host.receive(read, 0.0) {
                    assert!(session.arrive(read_reply(&reply_bytes(&reply)).unwrap()));
                }
                sent = Some(command);
                continue;
            }
            let reply = host.work(budget, 1.0).expect("a pending move is worked on");
            let bytes = reply_bytes(&reply);
            let read = read_reply(&bytes).expect("a reply reads back");
            assert_eq!(reply_bytes(&read), bytes);
            if matches!(read, Reply::Progress(..)) {
                reports += 1;
            }
            assert!(session.arrive(read));
        }
        reports
    }

    fn configs() -> Vec<Config> {
        let mut custom = Config::defaults(ScenarioKind::Custom, 11);
        custom.producers = 3;
        custom.consumers = 2;
        custom.capacity = 3;
        let mut stuck = Config::defaults(ScenarioKind::Plain, 3);
        stuck.items = 6;
        let mut limited = custom.clone();
        limited.until = Some(std::time::Duration::from_millis(700));
        let mut lab = Config::defaults(ScenarioKind::Termination, 9);
        lab.termination.strategy = Strategy::Sentinel;
        vec![custom, stuck, limited, lab]
    }

    #[test]
    fn a_session_away_shows_what_a_session_here_shows_move_for_move() {
        for config in configs() {
            let mut here = Session::new(config.clone());
            let mut away = Session::away(config.clone());
            let mut host = Host::default();
            for s in [&mut here, &mut away] {
                s.set_speed(20.0).unwrap();
            }
            type Move = fn(&mut Session);
            let moves: [Move; 9] = [
                |s| s.step(),
                |s| s.step(),
                |s| {
                    s.play();
                    s.tick(30.0);
                },
                |s| {
                    s.tick(16.0);
                },
                |s| s.run_to_end(),
                |s| s.seek(s.horizon() / 3),
                |s| s.step(),
                |s| s.reset(),
                |s| s.seek(5_000_000),
            ];
            for (i, make) in moves.iter().enumerate() {
                make(&mut here);
                make(&mut away);
                settle(&mut away, &mut host, 7);
                assert_eq!(
                    facts(away.moment()),
                    facts(here.moment()),
                    "{config:?}, move {i}"
                );
                assert_eq!(away.horizon(), here.horizon(), "move {i}");
                assert_eq!(away.is_playing(), here.is_playing(), "move {i}");
                let actors = here.roles().len() as u32;
                for a in 0..actors {
                    let actor = ActorId(a);
                    assert_eq!(away.moment().blocked(actor), here.moment().blocked(actor));
                }
                assert_eq!(*away.chart(), *here.chart(), "move {i}");
            }
        }
    }

    #[test]
    fn a_long_move_reports_progress_and_a_cancel_stops_it_where_it_got_to() {
        let mut config = Config::defaults(ScenarioKind::Custom, 5);
        config.items = 2000;
        let mut away = Session::away(config.clone());
        let mut host = Host::default();
        away.run_to_end();
        let reports = settle(&mut away, &mut host, 500);
        assert!(reports > 5, "{reports} reports");
        assert_eq!(away.moment().outcome, Outcome::Completed);
        let end = facts(away.moment());

        away.reset();
        settle(&mut away, &mut host, 500);
        away.run_to_end();
        let go = away.command().unwrap();
        assert!(host.receive(go, 0.0).is_none());
        for _ in 0..3 {
            let reply = host.work(500, 1.0).unwrap();
            assert!(matches!(reply, Reply::Progress(..)));
            assert!(away.arrive(reply));
        }
        let done = away.pending().unwrap().progress.unwrap().consumed;
        assert!(done > 0 && done < 2000);
        assert!(away.cancel());
        let cancel = away.command().unwrap();
        let reply = host.receive(cancel, 2.0).expect("a cancel answers at once");
        assert!(away.arrive(reply));
        assert!(away.pending().is_none() && !host.busy());
        let cut = away.moment().clone();
        assert_eq!(cut.outcome, Outcome::Running);
        assert!(cut.counts.consumed >= done && cut.counts.consumed < 2000);
        assert_eq!(away.horizon(), cut.now);
        // Where it stopped is a moment of its own: a session here shows the
        // same there.
        let mut here = Session::new(config);
        here.run_to_end();
        here.seek(cut.now);
        assert_eq!(facts(here.moment()), facts(&cut));
        // And the run goes on to the same end.
        away.run_to_end();
        settle(&mut away, &mut host, 100_000);
        assert_eq!(facts(away.moment()), end);
    }

    #[test]
    fn answers_to_replaced_moves_are_left_alone() {
        let mut away = Session::away(configs().remove(0));
        let mut host = Host::default();
        away.run_to_end();
        let first = away.command().unwrap();
        away.step();
        let second = away.command().unwrap();
        assert_ne!(first, second);
        host.receive(first, 0.0);
        let stale = host.work(u64::MAX, 0.0).unwrap();
        assert!(!away.arrive(stale), "an answer to a replaced move");
        assert!(away.pending().is_some());
        settle(&mut away, &mut host, 1000);
        let mut here = Session::new(configs().remove(0));
        here.run_to_end();
        here.step();
        assert_eq!(facts(away.moment()), facts(here.moment()));
    }

    #[test]
    fn bad_bytes_read_as_nothing() {
        let mut away = Session::away(configs().remove(0));
        away.run_to_end();
        let bytes = command_bytes(&away.command().unwrap());
        for cut in 0..bytes.len() {
            assert_eq!(read_command(&bytes[..cut]), None);
        }
        let mut host = Host::default();
        host.receive(away.command().unwrap(), 0.0);
        let reply = reply_bytes(&host.work(u64::MAX, 0.0).unwrap());
        for cut in 0..reply.len() {
            assert_eq!(read_reply(&reply[..cut]), None, "cut at {cut}");
        }
        assert_eq!(read_reply(&[9]), None);
        assert_eq!(read_reply(&[0xff; 20]), None);
    }

    #[test]
    fn moves_of_the_run_the_worker_knows_leave_the_config_out() {
        use super::super::wire::{command_bytes_after, read_command_after};
        let mut away = Session::away(configs().remove(0));
        let mut host = Host::default();
        let told = |host: &Host| host.told().map(|c| (**c).clone());
        // The first move carries the settings.
        let first = away.command().unwrap();
        let full = command_bytes_after(&first, told(&host).as_ref());
        assert_eq!(full, command_bytes(&first));
        let read = read_command_after(&full, host.told()).unwrap();
        assert_eq!(read, first);
        host.receive(read, 0.0);
        let reply = host.work(u64::MAX, 0.0).unwrap();
        assert!(away.arrive(reply));
        // The next ones of the same run do not, and read back whole.
        for _ in 0..3 {
            away.step();
            let next = away.command().unwrap();
            let short = command_bytes_after(&next, told(&host).as_ref());
            assert!(
                short.len() < 16 && short.len() * 4 < full.len(),
                "{short:?}"
            );
            let read = read_command_after(&short, host.told()).unwrap();
            assert_eq!(read, next);
            assert_eq!(read_command(&short), None, "no config was told");
            host.receive(read, 0.0);
            assert!(away.arrive(host.work(u64::MAX, 0.0).unwrap()));
        }
        // Another run's first move carries its settings again.
        let other = away.renew(configs().remove(1));
        let command = other.command().unwrap();
        let bytes = command_bytes_after(&command, told(&host).as_ref());
        assert_eq!(bytes, command_bytes(&command));
        assert_eq!(read_command_after(&bytes, host.told()), Some(command));
    }

    #[test]
    fn a_snapshot_carries_the_front_of_a_long_queue_and_its_length() {
        use super::super::stage::QUEUE_SHOWN;
        let mut config = Config::defaults(ScenarioKind::Custom, 3);
        config.producers = 4;
        config.consumers = 1;
        config.items = 5000;
        config.capacity = 0;
        config.produce_delay = "const:1ms".parse().unwrap();
        config.consume_delay = "const:50ms".parse().unwrap();
        let mut here = Session::new(config.clone());
        here.seek(0);
        here.run_to_end();
        let horizon = here.horizon();
        here.seek(horizon / 3);
        let stage = &here.derived().stage;
        let long = stage.queue_len();
        assert!(long > 10 * QUEUE_SHOWN, "{long} queued");
        assert_eq!(
            stage.queue().len(),
            QUEUE_SHOWN,
            "a moment copies the front only"
        );
        let mut away = Session::away(config);
        let mut host = Host::default();
        settle(&mut away, &mut host, 1000);
        away.run_to_end();
        settle(&mut away, &mut host, 1_000_000);
        away.seek(horizon / 3);
        settle(&mut away, &mut host, 1_000_000);
        let shown = &away.derived().stage;
        assert_eq!(shown.queue_len(), long);
        assert_eq!(away.moment().in_queue, long as u64);
        assert_eq!(shown.queue().len(), QUEUE_SHOWN);
        assert!(shown
            .queue()
            .iter()
            .eq(stage.queue().iter().take(QUEUE_SHOWN)));
        // The snapshot's bytes do not grow with the queue.
        let bytes = facts(away.moment()).len();
        assert!(long > 10_000, "{long} queued");
        assert!(bytes < 8 * 1024, "{bytes} bytes for {long} queued");
    }

    /// Sends `command` to a host through its bytes and reads the answer
    /// back through its bytes.
    fn ask(command: &Command) -> Reply {
        let read = read_command(&command_bytes(command)).expect("a command reads back");
        assert_eq!(read, *command);
        let reply = Host::default()
            .receive(read, 0.0)
            .expect("answered at once");
        let bytes = reply_bytes(&reply);
        let back = read_reply(&bytes).expect("a reply reads back");
        assert_eq!(reply_bytes(&back), bytes);
        back
    }

    fn lab_configs() -> Vec<Config> {
        use crate::scenario::ending::{Kill, KillWhen};
        let lab = Config::defaults(ScenarioKind::Termination, 42);
        let mut configs = vec![lab.clone()];
        let mut kill = lab.clone();
        kill.termination.kill = Some(Kill {
            consumer: 2,
            when: KillWhen::At(std::time::Duration::from_secs(1)),
        });
        configs.push(kill.clone());
        let mut broker = kill.clone();
        broker.termination.broker_ack = true;
        broker.termination.max_deliveries = 2;
        broker.termination.visibility_timeout = std::time::Duration::from_millis(300);
        configs.push(broker);
        let mut mistakes = Config::defaults(ScenarioKind::Termination, 7);
        mistakes.items = 13;
        mistakes.consumers = 3;
        mistakes.termination.forget_task_done = Some(7);
        mistakes.termination.extra_task_done = Some(13);
        configs.push(mistakes.clone());
        let mut acked = mistakes;
        acked.termination.broker_ack = true;
        configs.push(acked);
        for strategy in [Strategy::Sentinel, Strategy::Shutdown, Strategy::None] {
            let mut c = kill.clone();
            c.seed = 3;
            c.termination.strategy = strategy;
            configs.push(c);
        }
        configs
    }

    #[test]
    fn the_labs_results_away_are_those_the_page_computed_here() {
        use super::super::lab::{outcomes, report_of, Summary};
        use crate::termination::report::compare;
        for (i, config) in lab_configs().into_iter().enumerate() {
            assert!(config.validate().is_ok(), "{config:?}");
            let Reply::Lab(id, Some(away)) = ask(&Command::Lab {
                id: 7 + i as u64,
                config: std::rc::Rc::new(config.clone()),
            }) else {
                panic!("no results for {config:?}");
            };
            assert_eq!(id, 7 + i as u64);
            // What the page's panel computed itself before: the runs to the
            // end, their reports, and every strategy compared.
            let mut joinable = config.clone();
            joinable.termination.broker_ack = false;
            let mut broker = config.clone();
            broker.termination.broker_ack = true;
            let (this_run, items) = report_of(&config);
            assert_eq!(away.this_run, Summary::from(&this_run), "{config:?}");
            assert_eq!(away.items, items);
            assert_eq!(away.joinable, Summary::from(&report_of(&joinable).0));
            assert_eq!(away.broker, Summary::from(&report_of(&broker).0));
            assert_eq!(away.rows, compare(&config));
            assert_eq!(*away, outcomes(&config).unwrap());
            assert!(!away.this_run.diagnosis.is_empty() || i == 0, "{config:?}");
        }
        // Too many items: nothing is run, and the answer says so.
        let mut big = Config::defaults(ScenarioKind::Termination, 1);
        big.items = 3000;
        let command = Command::Lab {
            id: 1,
            config: std::rc::Rc::new(big),
        };
        assert_eq!(ask(&command), Reply::Lab(1, None));
    }

    fn peak_configs() -> Vec<crate::peak::PeakConfig> {
        use crate::peak::Preset;
        use strum::VariantArray;
        let mut configs: Vec<_> = Preset::VARIANTS.iter().map(|p| p.config(42)).collect();
        let mut odd = Preset::FlashSale.config(9);
        odd.overload = true;
        odd.capacity = 20;
        odd.service = "uniform:10ms..90ms".parse().unwrap();
        odd.base_rate = 12.5;
        configs.push(odd);
        let mut fixed = Preset::Steady.config(3);
        fixed.service = "const:40ms".parse().unwrap();
        fixed.workers = 1;
        configs.push(fixed);
        configs
    }

    #[test]
    fn peak_shavings_report_away_is_the_one_the_page_computed_here() {
        use crate::peak::PeakRun;
        for (i, config) in peak_configs().into_iter().enumerate() {
            let Reply::Peak(id, away) = ask(&Command::Peak {
                id: i as u64,
                config: std::rc::Rc::new(config.clone()),
            }) else {
                panic!("no report");
            };
            assert_eq!(id, i as u64);
            let mut here = PeakRun::new(config.clone());
            here.run_to_end();
            let here = here.report();
            assert_eq!(*away, here, "{config:?}");
        }
    }

    #[test]
    fn bad_lab_and_peak_bytes_read_as_nothing() {
        let lab = Command::Lab {
            id: 3,
            config: std::rc::Rc::new(lab_configs().remove(2)),
        };
        let peak = Command::Peak {
            id: 4,
            config: std::rc::Rc::new(peak_configs().remove(3)),
        };
        for command in [&lab, &peak] {
            let bytes = command_bytes(command);
            for cut in 0..bytes.len() {
                assert_eq!(read_command(&bytes[..cut]), None);
            }
            let reply = reply_bytes(&Host::default().receive(command.clone(), 0.0).unwrap());
            for cut in 0..reply.len() {
                assert_eq!(read_reply(&reply[..cut]), None, "cut at {cut}");
            }
            let mut longer = reply.clone();
            longer.push(0);
            assert_eq!(read_reply(&longer), None);
        }
        // Settings out of the page's range are no command.
        let mut huge = peak_configs().remove(0);
        huge.base_rate = 1e9;
        let bytes = command_bytes(&Command::Peak {
            id: 5,
            config: std::rc::Rc::new(huge),
        });
        assert_eq!(read_command(&bytes), None);
    }

    #[test]
    fn the_engine_away_answers_each_batch_with_everything_told_so_far() {
        let config = Rc::new(Config::defaults(ScenarioKind::Hotdog, 7));
        let mut host = Host::default();
        let mut send = |lines: &str| {
            let command = Command::Live {
                id: 3,
                config: Rc::clone(&config),
                lines: lines.into(),
            };
            let command = read_command(&command_bytes(&command)).expect("reads back");
            match host.receive(command, 0.0) {
                Some(Reply::Snapshot(snapshot)) => snapshot,
                other => panic!("{other:?}"),
            }
        };
        let first = send("ev 5 1 produce 0:1\n");
        assert_eq!((first.id, first.moment.counts.produced), (3, 1));
        let second = send("ev 7 1 put 0:1\n<script>\nev 8 99 produce 0:2\n");
        assert_eq!(second.moment.event_count, 2);
        assert_eq!((second.moment.counts.put, second.moment.in_queue), (1, 1));
        assert_eq!(second.moment.now, 7);
        // A consumer's get told before the producer's put of the same
        // item: put back in time order, the item is out of the queue.
        let got = send("ev 9 3 get 0:2\n");
        assert_eq!((got.moment.now, got.moment.counts.got), (9, 1));
        let third = send("ev 8 2 put 0:2\nev 6 2 produce 0:2\n");
        assert_eq!((third.moment.now, third.moment.event_count), (9, 5));
        assert_eq!((third.moment.counts.put, third.moment.in_queue), (2, 1));
        let times: Vec<u64> = third
            .moment
            .derived
            .log
            .entries()
            .map(|(_, e)| e.time)
            .collect();
        assert_eq!(times, [5, 6, 7, 8, 9]);
        assert_eq!(second.moment.outcome, Outcome::Running);
    }
}
