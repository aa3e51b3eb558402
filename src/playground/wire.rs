//! The bytes between the page and its worker: a session's [`Command`]s one
//! way, the engine's [`Reply`]s (progress, and snapshots of facts: the
//! moment, the charts' data) the other. Written by hand, not by a serde
//! format, to keep the page's side small: every number is an unsigned
//! LEB128 varint (a float travels as its bits), every list its length then
//! its elements, every enum its variant's index then its fields. The
//! config travels as its link ([`super::link`]), which reads it back
//! exactly, and its time limit (which links leave out).
//!
//! Reading never panics: bytes that end early or hold an unknown variant
//! read as `None`.

use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use strum::VariantArray;

use crate::delay::Delay;
use crate::lang::Lang;
use crate::lessons::{Answer, LessonId};
use crate::lines::Lines;
use crate::peak::meter::{LatencyReport, LittleCheck, Measured, SeriesReport};
use crate::peak::{
    Burst, BurstReport, Load, PeakConfig, PeakReport, Settings as PeakSettings, Variant,
    VariantReport,
};
use crate::run::{Outcome, Stuck};
use crate::scenario::ending::Strategy;
use crate::scenario::Config;
use crate::series::{ChartData, Steps, WaitBin};
use crate::stats::{Counts, StatsReport};
use crate::termination::ledger::Fate;
use crate::termination::report::{Diagnosis, DuplicateCopies, Fates, Redelivered, Row, Verdict};
use crate::theory::TheoryReport;
use crate::trace::{ActorId, Event, EventKind, Fault, FetchFault, ItemId, Role, WaitingOn};

use super::link;
use super::outcomes::{Given, ItemFate, Outcomes, Summary};
use super::peak::PAGE_MAX_REQUESTS;
use super::session::{
    Command, Derived, Download, File, Moment, Position, Progress, Reply, Snapshot,
};
use super::stage::{
    ConsumerLane, ConsumerState, Log, MainStep, ProducerLane, ProducerState, Stage, QUEUE_SHOWN,
};

/// Bytes being written.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn f(&mut self, v: f64) {
        self.u(v.to_bits());
    }

    fn b(&mut self, v: bool) {
        self.u(v as u64);
    }
}

/// Bytes being read; past the end (or on a bad value) `bad` is set and
/// every number reads as 0.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    bad: bool,
}

impl Reader<'_> {
    fn u(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let Some(&byte) = self.bytes.get(self.at) else {
                self.bad = true;
                return 0;
            };
            self.at += 1;
            if shift < 64 {
                v |= u64::from(byte & 0x7f) << shift;
            }
            shift += 7;
            if byte < 0x80 {
                return v;
            }
        }
    }

    fn u32(&mut self) -> u32 {
        let v = self.u();
        u32::try_from(v).unwrap_or_else(|_| {
            self.bad = true;
            0
        })
    }

    /// A length: never more than the bytes left (each element takes one at
    /// least), so a bad length cannot ask for a huge allocation.
    fn len(&mut self) -> usize {
        let v = self.u();
        let left = self.bytes.len() - self.at;
        if v > left as u64 {
            self.bad = true;
            return 0;
        }
        v as usize
    }

    fn f(&mut self) -> f64 {
        f64::from_bits(self.u())
    }

    fn b(&mut self) -> bool {
        self.u() != 0
    }

    fn fail<T>(&mut self, fallback: T) -> T {
        self.bad = true;
        fallback
    }

    fn list<T>(&mut self, mut one: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = self.len();
        (0..n).map(|_| one(self)).collect()
    }
}

// ---- the vocabulary ----------------------------------------------------------------------------

fn put_item(w: &mut Writer, item: Option<ItemId>) {
    match item {
        None => w.u(0),
        Some(item) => {
            w.u(u64::from(item.origin) + 1);
            w.u(item.seq.into());
        }
    }
}

fn take_item(r: &mut Reader) -> Option<ItemId> {
    match r.u() {
        0 => None,
        origin => Some(ItemId {
            origin: u32::try_from(origin - 1).unwrap_or_else(|_| r.fail(0)),
            seq: r.u32(),
        }),
    }
}

fn put_role(w: &mut Writer, role: Role) {
    match role {
        Role::Main => w.u(0),
        Role::Producer(i) => {
            w.u(1);
            w.u(i.into());
        }
        Role::Consumer(i) => {
            w.u(2);
            w.u(i.into());
        }
    }
}

fn take_role(r: &mut Reader) -> Role {
    match r.u() {
        0 => Role::Main,
        1 => Role::Producer(r.u32()),
        2 => Role::Consumer(r.u32()),
        _ => r.fail(Role::Main),
    }
}

fn put_waiting(w: &mut Writer, on: Option<WaitingOn>) {
    match on {
        None => w.u(0),
        Some(WaitingOn::Get) => w.u(1),
        Some(WaitingOn::Put) => w.u(2),
        Some(WaitingOn::QueueJoin) => w.u(3),
        Some(WaitingOn::TaskJoin(actor)) => {
            w.u(4);
            w.u(actor.0.into());
        }
    }
}

fn take_waiting(r: &mut Reader) -> Option<WaitingOn> {
    Some(match r.u() {
        0 => return None,
        1 => WaitingOn::Get,
        2 => WaitingOn::Put,
        3 => WaitingOn::QueueJoin,
        4 => WaitingOn::TaskJoin(ActorId(r.u32())),
        _ => return r.fail(None),
    })
}

const FETCH_FAULTS: [FetchFault; 6] = [
    FetchFault::MalformedUrl,
    FetchFault::Network,
    FetchFault::CrossOrigin,
    FetchFault::Timeout,
    FetchFault::NotText,
    FetchFault::TooLarge,
];

/// An event kind as its index and one number of payload.
fn kind_parts(kind: EventKind) -> (u64, u64) {
    use EventKind as K;
    match kind {
        K::Produce => (0, 0),
        K::Put => (1, 0),
        K::PutBlocked => (2, 0),
        K::Get => (3, 0),
        K::GetBlocked => (4, 0),
        K::Consume => (5, 0),
        K::TaskDone => (6, 0),
        K::JoinStart => (7, 0),
        K::JoinDone => (8, 0),
        K::TaskJoinStart(a) => (9, a.0.into()),
        K::TaskJoinDone(a) => (10, a.0.into()),
        K::Terminate => (11, 0),
        K::Finish => (12, 0),
        K::Drop => (13, 0),
        K::Error(fault) => (
            14,
            match fault {
                Fault::TaskDoneTooMany => 0,
                Fault::PutAfterShutdown => 1,
                Fault::StaleAck => 2,
                Fault::Fetch(FetchFault::HttpStatus(status)) => 3 + u64::from(status),
                Fault::Fetch(f) => {
                    // After every status: 3 + 65536 + the fault's index.
                    3 + 65536 + FETCH_FAULTS.iter().position(|&g| g == f).unwrap_or(0) as u64
                }
            },
        ),
        K::SentinelPut => (15, 0),
        K::SentinelGet => (16, 0),
        K::Shutdown { immediate } => (17, immediate as u64),
        K::GetShutDown => (18, 0),
        K::Killed => (19, 0),
        K::DaemonExit => (20, 0),
        K::Ack => (21, 0),
        K::Redeliver => (22, 0),
        K::DeadLetter => (23, 0),
    }
}

fn take_kind(r: &mut Reader) -> EventKind {
    use EventKind as K;
    let tag = r.u();
    let payload = r.u();
    let actor = || ActorId(payload as u32);
    match tag {
        0 => K::Produce,
        1 => K::Put,
        2 => K::PutBlocked,
        3 => K::Get,
        4 => K::GetBlocked,
        5 => K::Consume,
        6 => K::TaskDone,
        7 => K::JoinStart,
        8 => K::JoinDone,
        9 => K::TaskJoinStart(actor()),
        10 => K::TaskJoinDone(actor()),
        11 => K::Terminate,
        12 => K::Finish,
        13 => K::Drop,
        14 => K::Error(match payload {
            0 => Fault::TaskDoneTooMany,
            1 => Fault::PutAfterShutdown,
            2 => Fault::StaleAck,
            p if p < 3 + 65536 => Fault::Fetch(FetchFault::HttpStatus((p - 3) as u16)),
            p => match FETCH_FAULTS.get((p - 3 - 65536) as usize) {
                Some(&f) => Fault::Fetch(f),
                None => r.fail(Fault::StaleAck),
            },
        }),
        15 => K::SentinelPut,
        16 => K::SentinelGet,
        17 => K::Shutdown {
            immediate: payload != 0,
        },
        18 => K::GetShutDown,
        19 => K::Killed,
        20 => K::DaemonExit,
        21 => K::Ack,
        22 => K::Redeliver,
        23 => K::DeadLetter,
        _ => r.fail(K::Produce),
    }
}

fn put_event(w: &mut Writer, e: &Event) {
    w.u(e.time);
    w.u(e.actor.0.into());
    let (tag, payload) = kind_parts(e.kind);
    w.u(tag);
    w.u(payload);
    put_item(w, e.item);
}

fn take_event(r: &mut Reader) -> Event {
    Event {
        time: r.u(),
        actor: ActorId(r.u32()),
        kind: take_kind(r),
        item: take_item(r),
    }
}

// ---- the facts of a moment ---------------------------------------------------------------------

fn put_counts(w: &mut Writer, c: &Counts) {
    for v in [
        c.produced,
        c.put,
        c.got,
        c.consumed,
        c.task_done,
        c.dropped,
        c.errors,
        c.redelivered,
    ] {
        w.u(v);
    }
}

fn take_counts(r: &mut Reader) -> Counts {
    Counts {
        produced: r.u(),
        put: r.u(),
        got: r.u(),
        consumed: r.u(),
        task_done: r.u(),
        dropped: r.u(),
        errors: r.u(),
        redelivered: r.u(),
    }
}

/// Who waits on what for actors `0..actors`, then the three shared lines
/// in their order.
fn put_lines(w: &mut Writer, lines: &Lines, actors: usize) {
    w.u(actors as u64);
    for a in 0..actors {
        put_waiting(w, lines.waiting_on(ActorId(a as u32)));
    }
    for on in [WaitingOn::Get, WaitingOn::Put, WaitingOn::QueueJoin] {
        let line = lines.line(on);
        w.u(line.len() as u64);
        for actor in line {
            w.u(actor.0.into());
        }
    }
}

/// The lines as [`put_lines`] wrote them.
fn take_lines(r: &mut Reader) -> Lines {
    let waiting = r.list(take_waiting);
    let mut line = || r.list(|r| ActorId(r.u32()));
    let lines = [line(), line(), line()];
    Lines::from_parts(waiting, lines)
}

fn put_stuck(w: &mut Writer, s: &Stuck) {
    w.u(s.actor.0.into());
    put_role(w, s.role);
    put_waiting(w, Some(s.waiting_on));
}

fn take_stuck(r: &mut Reader) -> Stuck {
    Stuck {
        actor: ActorId(r.u32()),
        role: take_role(r),
        waiting_on: take_waiting(r).unwrap_or_else(|| r.fail(WaitingOn::Get)),
    }
}

fn put_stage(w: &mut Writer, s: &Stage) {
    w.u(s.roles.len() as u64);
    for &role in &s.roles {
        put_role(w, role);
    }
    w.u(s.producers.len() as u64);
    for p in &s.producers {
        w.u(p.actor.0.into());
        let (tag, item) = match p.state {
            ProducerState::Producing(i) => (0, Some(i)),
            ProducerState::Putting(i) => (1, Some(i)),
            ProducerState::Blocked(i) => (2, Some(i)),
            ProducerState::Done => (3, None),
        };
        w.u(tag);
        put_item(w, item);
        w.u(p.made.into());
    }
    w.u(s.consumers.len() as u64);
    for c in &s.consumers {
        w.u(c.actor.0.into());
        let (tag, item) = match c.state {
            ConsumerState::Idle => (0, None),
            ConsumerState::WaitingGet => (1, None),
            ConsumerState::Working(i) => (2, Some(i)),
            ConsumerState::Terminated => (3, None),
            ConsumerState::Finished => (4, None),
        };
        w.u(tag);
        put_item(w, item);
        w.u(c.consumed);
    }
    // The oldest items only, and how many more (a backlog can be huge).
    let held = s.queue.len().min(QUEUE_SHOWN);
    w.u((s.queue.len() - held + s.hidden) as u64);
    w.u(held as u64);
    for &item in s.queue.iter().take(held) {
        put_item(w, Some(item));
    }
    w.u(s.capacity as u64);
    w.u(s.steps.len() as u64);
    for step in &s.steps {
        match *step {
            MainStep::JoinProducer(a) => {
                w.u(0);
                w.u(a.0.into());
            }
            MainStep::JoinQueue => w.u(1),
            MainStep::Terminate => w.u(2),
        }
    }
    w.u(s.main_cursor as u64);
    w.b(s.main_finished);
    w.u(s.dead_letters);
}

fn take_some_item(r: &mut Reader) -> ItemId {
    take_item(r).unwrap_or_else(|| r.fail(ItemId { origin: 0, seq: 0 }))
}

fn take_stage(r: &mut Reader) -> Stage {
    let roles = r.list(take_role);
    let producers = r.list(|r| {
        let actor = ActorId(r.u32());
        let tag = r.u();
        let item = take_item(r);
        let mut with_item = |f: fn(ItemId) -> ProducerState| match item {
            Some(i) => f(i),
            None => r.fail(ProducerState::Done),
        };
        let state = match tag {
            0 => with_item(ProducerState::Producing),
            1 => with_item(ProducerState::Putting),
            2 => with_item(ProducerState::Blocked),
            3 => ProducerState::Done,
            _ => r.fail(ProducerState::Done),
        };
        ProducerLane {
            actor,
            state,
            made: r.u32(),
        }
    });
    let consumers = r.list(|r| {
        let actor = ActorId(r.u32());
        let tag = r.u();
        let item = take_item(r);
        let state = match (tag, item) {
            (0, _) => ConsumerState::Idle,
            (1, _) => ConsumerState::WaitingGet,
            (2, Some(i)) => ConsumerState::Working(i),
            (3, _) => ConsumerState::Terminated,
            (4, _) => ConsumerState::Finished,
            _ => r.fail(ConsumerState::Idle),
        };
        ConsumerLane {
            actor,
            state,
            consumed: r.u(),
        }
    });
    let hidden = r.u() as usize;
    let queue: VecDeque<ItemId> = r.list(take_some_item).into();
    if queue.len() > QUEUE_SHOWN {
        r.bad = true;
    }
    let capacity = r.u() as usize;
    let steps = r.list(|r| match r.u() {
        0 => MainStep::JoinProducer(ActorId(r.u32())),
        1 => MainStep::JoinQueue,
        2 => MainStep::Terminate,
        _ => r.fail(MainStep::Terminate),
    });
    Stage {
        roles,
        producers,
        consumers,
        queue,
        hidden,
        capacity,
        steps,
        main_cursor: r.u() as usize,
        main_finished: r.b(),
        dead_letters: r.u(),
    }
}

fn put_log(w: &mut Writer, log: &Log) {
    w.u(log.capacity as u64);
    w.u(log.total);
    w.u(log.entries().len() as u64);
    for (_, event) in log.entries() {
        put_event(w, event);
    }
}

fn take_log(r: &mut Reader) -> Log {
    let capacity = r.u() as usize;
    let total = r.u();
    let events: Vec<Event> = r.list(take_event);
    Log::with_events(capacity, total, events).unwrap_or_else(|| {
        r.bad = true;
        Log::new(1)
    })
}

const OUTCOMES: [Outcome; 4] = [
    Outcome::Running,
    Outcome::Completed,
    Outcome::Stuck,
    Outcome::TimeLimit,
];

fn put_moment(w: &mut Writer, m: &Moment) {
    w.u(OUTCOMES.iter().position(|&o| o == m.outcome).unwrap_or(0) as u64);
    w.u(m.now);
    w.u(m.event_count);
    put_counts(w, &m.counts);
    w.u(m.in_queue);
    w.u(m.unfinished);
    put_lines(w, &m.lines, m.derived.stage.roles.len());
    w.u(m.stuck.len() as u64);
    for s in &m.stuck {
        put_stuck(w, s);
    }
    put_stage(w, &m.derived.stage);
    put_log(w, &m.derived.log);
}

fn take_moment(r: &mut Reader) -> Moment {
    let outcome = match OUTCOMES.get(r.u() as usize) {
        Some(&o) => o,
        None => r.fail(Outcome::Running),
    };
    Moment {
        outcome,
        now: r.u(),
        event_count: r.u(),
        counts: take_counts(r),
        in_queue: r.u(),
        unfinished: r.u(),
        lines: take_lines(r),
        stuck: r.list(take_stuck),
        derived: Rc::new(Derived {
            stage: take_stage(r),
            log: take_log(r),
        }),
    }
}

fn put_steps(w: &mut Writer, steps: &Steps) {
    w.u(steps.len() as u64);
    for &(t, v) in steps {
        w.u(t);
        w.u(v);
    }
}

fn take_steps(r: &mut Reader) -> Steps {
    r.list(|r| (r.u(), r.u()))
}

fn put_chart(w: &mut Writer, c: &ChartData) {
    w.u(c.end);
    w.u(c.capacity as u64);
    put_steps(w, &c.queue);
    put_steps(w, &c.produced);
    put_steps(w, &c.consumed);
    w.u(c.waits.len() as u64);
    for bin in &c.waits {
        w.u(bin.from);
        w.u(bin.to);
        w.u(bin.count);
    }
    w.u(c.wait_count);
}

fn take_chart(r: &mut Reader) -> ChartData {
    ChartData {
        end: r.u(),
        capacity: r.u() as usize,
        queue: take_steps(r),
        produced: take_steps(r),
        consumed: take_steps(r),
        waits: r.list(|r| WaitBin {
            from: r.u(),
            to: r.u(),
            count: r.u(),
        }),
        wait_count: r.u(),
    }
}

fn put_position(w: &mut Writer, p: Position) {
    match p.at {
        None => w.u(0),
        Some(t) => {
            w.u(1);
            w.u(t);
        }
    }
    w.u(p.steps);
}

fn take_position(r: &mut Reader) -> Position {
    Position {
        at: r.b().then(|| r.u()),
        steps: r.u(),
    }
}

// ---- the termination lab ---------------------------------------------------------------------

/// One of `all`, by its index.
fn take_of<T: Copy>(r: &mut Reader, all: &[T]) -> T {
    match all.get(r.u() as usize) {
        Some(&v) => v,
        None => r.fail(all[0]),
    }
}

fn put_of<T: PartialEq>(w: &mut Writer, all: &[T], v: &T) {
    w.u(all.iter().position(|x| x == v).unwrap_or(0) as u64);
}

const VERDICTS: [Verdict; 6] = [
    Verdict::Running,
    Verdict::AllProcessed,
    Verdict::Duplicates,
    Verdict::Incomplete,
    Verdict::Stuck,
    Verdict::TimeLimit,
];

const FATES: [Fate; 7] = [
    Fate::Processed,
    Fate::InProgress,
    Fate::InQueue,
    Fate::DeadLettered,
    Fate::Dropped,
    Fate::Lost,
    Fate::NotPut,
];

fn put_option_f(w: &mut Writer, v: Option<f64>) {
    match v {
        None => w.u(0),
        Some(v) => {
            w.u(1);
            w.f(v);
        }
    }
}

fn take_option_f(r: &mut Reader) -> Option<f64> {
    r.b().then(|| r.f())
}

fn put_duration(w: &mut Writer, d: Duration) {
    w.u(d.as_secs());
    w.u(d.subsec_nanos().into());
}

fn take_duration(r: &mut Reader) -> Duration {
    let secs = r.u();
    let nanos = r.u32();
    if nanos >= 1_000_000_000 {
        return r.fail(Duration::ZERO);
    }
    Duration::new(secs, nanos)
}

fn put_diagnosis(w: &mut Writer, d: &Diagnosis) {
    use Diagnosis as D;
    match *d {
        D::KilledJoinable {
            consumer,
            item,
            join_hangs,
        } => {
            w.u(0);
            put_role(w, consumer);
            put_item(w, Some(item));
            w.b(join_hangs);
        }
        D::KilledBroker {
            consumer,
            item,
            visibility_timeout,
            redelivered,
        } => {
            w.u(1);
            put_role(w, consumer);
            put_item(w, Some(item));
            put_duration(w, visibility_timeout);
            match redelivered {
                Redelivered::To(role) => {
                    w.u(0);
                    put_role(w, role);
                }
                Redelivered::Unclaimed => w.u(1),
                Redelivered::DeadLettered => w.u(2),
                Redelivered::Never => w.u(3),
            }
        }
        D::KillMissed => w.u(2),
        D::ForgotTaskDone {
            consumer,
            item,
            broker,
            join_hangs,
        } => {
            w.u(3);
            put_role(w, consumer);
            put_item(w, Some(item));
            w.b(broker);
            w.b(join_hangs);
        }
        D::ExtraTaskDone {
            consumer,
            item,
            raised,
            broker,
            early_join,
        } => {
            w.u(4);
            put_role(w, consumer);
            put_item(w, Some(item));
            w.b(raised);
            w.b(broker);
            match early_join {
                None => w.u(0),
                Some(t) => {
                    w.u(1);
                    w.u(t);
                }
            }
        }
        D::RefusedTaskDone { consumer, item } => {
            w.u(5);
            put_role(w, consumer);
            put_item(w, Some(item));
        }
        D::Duplicates(n) => {
            w.u(6);
            w.u(n);
        }
        D::DeadLettered {
            items,
            never_processed,
            max_deliveries,
            visibility_timeout,
        } => {
            w.u(7);
            w.u(items);
            w.u(never_processed);
            w.u(max_deliveries.into());
            put_duration(w, visibility_timeout);
        }
        D::DuplicateCopies(c) => {
            w.u(8);
            w.u(c.in_queue);
            w.u(c.dropped);
            w.u(c.dead_lettered);
        }
        D::NoSignal => w.u(9),
        D::TooFewSentinels {
            sentinels,
            consumers,
            waiting,
        } => {
            w.u(10);
            w.u(sentinels);
            w.u(consumers.into());
            w.u(waiting as u64);
        }
        D::DroppedAtShutdown(n) => {
            w.u(11);
            w.u(n);
        }
        D::LeftInQueue(n) => {
            w.u(12);
            w.u(n);
        }
        D::LostAtStop(n) => {
            w.u(13);
            w.u(n);
        }
    }
}

fn take_diagnosis(r: &mut Reader) -> Diagnosis {
    use Diagnosis as D;
    match r.u() {
        0 => D::KilledJoinable {
            consumer: take_role(r),
            item: take_some_item(r),
            join_hangs: r.b(),
        },
        1 => D::KilledBroker {
            consumer: take_role(r),
            item: take_some_item(r),
            visibility_timeout: take_duration(r),
            redelivered: match r.u() {
                0 => Redelivered::To(take_role(r)),
                1 => Redelivered::Unclaimed,
                2 => Redelivered::DeadLettered,
                3 => Redelivered::Never,
                _ => r.fail(Redelivered::Never),
            },
        },
        2 => D::KillMissed,
        3 => D::ForgotTaskDone {
            consumer: take_role(r),
            item: take_some_item(r),
            broker: r.b(),
            join_hangs: r.b(),
        },
        4 => D::ExtraTaskDone {
            consumer: take_role(r),
            item: take_some_item(r),
            raised: r.b(),
            broker: r.b(),
            early_join: r.b().then(|| r.u()),
        },
        5 => D::RefusedTaskDone {
            consumer: take_role(r),
            item: take_some_item(r),
        },
        6 => D::Duplicates(r.u()),
        7 => D::DeadLettered {
            items: r.u(),
            never_processed: r.u(),
            max_deliveries: r.u32(),
            visibility_timeout: take_duration(r),
        },
        8 => D::DuplicateCopies(DuplicateCopies {
            in_queue: r.u(),
            dropped: r.u(),
            dead_lettered: r.u(),
        }),
        9 => D::NoSignal,
        10 => D::TooFewSentinels {
            sentinels: r.u(),
            consumers: r.u32(),
            waiting: r.u() as usize,
        },
        11 => D::DroppedAtShutdown(r.u()),
        12 => D::LeftInQueue(r.u()),
        13 => D::LostAtStop(r.u()),
        _ => r.fail(D::KillMissed),
    }
}

fn put_summary(w: &mut Writer, s: &Summary) {
    put_of(w, &VERDICTS, &s.verdict);
    let f = &s.fates;
    for v in [
        f.processed,
        f.in_progress,
        f.in_queue,
        f.dead_lettered,
        f.dropped,
        f.lost,
        f.not_put,
        s.duplicates,
        s.redelivered,
    ] {
        w.u(v);
    }
    for v in [s.last_item_ms, s.consumers_stopped_ms, s.stop_lag_ms] {
        put_option_f(w, v);
    }
    w.u(s.stuck.len() as u64);
    for stuck in &s.stuck {
        put_stuck(w, stuck);
    }
    w.u(s.diagnosis.len() as u64);
    for d in &s.diagnosis {
        put_diagnosis(w, d);
    }
}

fn take_summary(r: &mut Reader) -> Summary {
    Summary {
        verdict: take_of(r, &VERDICTS),
        fates: Fates {
            processed: r.u(),
            in_progress: r.u(),
            in_queue: r.u(),
            dead_lettered: r.u(),
            dropped: r.u(),
            lost: r.u(),
            not_put: r.u(),
        },
        duplicates: r.u(),
        redelivered: r.u(),
        last_item_ms: take_option_f(r),
        consumers_stopped_ms: take_option_f(r),
        stop_lag_ms: take_option_f(r),
        stuck: r.list(take_stuck),
        diagnosis: r.list(take_diagnosis),
    }
}

fn put_outcomes(w: &mut Writer, o: &Outcomes) {
    put_summary(w, &o.this_run);
    w.u(o.items.len() as u64);
    for f in &o.items {
        put_item(w, Some(f.item));
        put_of(w, &FATES, &f.fate);
        w.u(f.times.into());
    }
    put_summary(w, &o.joinable);
    put_summary(w, &o.broker);
    w.u(o.rows.len() as u64);
    for row in &o.rows {
        put_of(w, Strategy::VARIANTS, &row.strategy);
        put_of(w, &OUTCOMES, &row.outcome);
        put_of(w, &VERDICTS, &row.verdict);
        for v in [
            row.processed,
            row.dropped,
            row.dead_lettered,
            row.lost,
            row.duplicates,
            row.left,
            row.stuck as u64,
        ] {
            w.u(v);
        }
        w.f(row.end_ms);
        put_option_f(w, row.stop_lag_ms);
    }
}

fn take_outcomes(r: &mut Reader) -> Outcomes {
    Outcomes {
        this_run: take_summary(r),
        items: r.list(|r| ItemFate {
            item: take_some_item(r),
            fate: take_of(r, &FATES),
            times: u8::try_from(r.u()).unwrap_or_else(|_| r.fail(0)),
        }),
        joinable: take_summary(r),
        broker: take_summary(r),
        rows: r.list(|r| Row {
            strategy: take_of(r, Strategy::VARIANTS),
            outcome: take_of(r, &OUTCOMES),
            verdict: take_of(r, &VERDICTS),
            processed: r.u(),
            dropped: r.u(),
            dead_lettered: r.u(),
            lost: r.u(),
            duplicates: r.u(),
            left: r.u(),
            stuck: r.u() as usize,
            end_ms: r.f(),
            stop_lag_ms: take_option_f(r),
        }),
    }
}

// ---- peak shaving ------------------------------------------------------------------------------

fn put_delay(w: &mut Writer, d: &Delay) {
    match *d {
        Delay::Const(a) => {
            w.u(0);
            put_duration(w, a);
        }
        Delay::Uniform(a, b) => {
            w.u(1);
            put_duration(w, a);
            put_duration(w, b);
        }
        Delay::Exp(a) => {
            w.u(2);
            put_duration(w, a);
        }
    }
}

fn take_delay(r: &mut Reader) -> Delay {
    match r.u() {
        0 => Delay::Const(take_duration(r)),
        1 => Delay::Uniform(take_duration(r), take_duration(r)),
        2 => Delay::Exp(take_duration(r)),
        _ => r.fail(Delay::Const(Duration::ZERO)),
    }
}

fn put_peak_config(w: &mut Writer, c: &PeakConfig) {
    w.u(c.seed);
    w.f(c.base_rate);
    w.u(c.bursts.len() as u64);
    for b in &c.bursts {
        put_duration(w, b.start);
        put_duration(w, b.length);
        w.f(b.rate);
    }
    put_duration(w, c.duration);
    w.u(c.workers.into());
    put_delay(w, &c.service);
    w.u(c.capacity as u64);
    w.b(c.overload);
}

/// A peak config, or `None` when it is out of the page's range.
fn take_peak_config(r: &mut Reader) -> Option<PeakConfig> {
    let config = PeakConfig {
        seed: r.u(),
        base_rate: r.f(),
        bursts: r.list(|r| Burst {
            start: take_duration(r),
            length: take_duration(r),
            rate: r.f(),
        }),
        duration: take_duration(r),
        workers: r.u32(),
        service: take_delay(r),
        capacity: usize::try_from(r.u()).unwrap_or_else(|_| r.fail(0)),
        overload: r.b(),
    };
    config.check(PAGE_MAX_REQUESTS).ok().map(|()| config)
}

fn put_fs(w: &mut Writer, values: &[f64]) {
    w.u(values.len() as u64);
    for &v in values {
        w.f(v);
    }
}

fn take_fs(r: &mut Reader) -> Vec<f64> {
    r.list(|r| r.f())
}

fn put_text(w: &mut Writer, text: &str) {
    w.u(text.len() as u64);
    w.0.extend_from_slice(text.as_bytes());
}

fn take_text(r: &mut Reader) -> String {
    let n = r.len();
    let text = std::str::from_utf8(&r.bytes[r.at..r.at + n]).map(str::to_string);
    r.at += n;
    text.unwrap_or_else(|_| r.fail(String::new()))
}

fn put_variant(w: &mut Writer, v: &VariantReport) {
    put_of(w, Variant::VARIANTS, &v.variant);
    put_of(w, &OUTCOMES, &v.outcome);
    w.f(v.end_time_ms);
    for n in [
        v.arrivals,
        v.served,
        v.rejected,
        v.dropped,
        v.in_queue,
        v.in_service,
    ] {
        w.u(n);
    }
    w.b(v.conserved);
    put_text(w, &v.arrival_digest);
    let s = &v.stats;
    for f in [
        s.throughput_per_s,
        s.mean_wait_ms,
        s.p50_wait_ms,
        s.p95_wait_ms,
        s.p99_wait_ms,
        s.mean_queue_len,
    ] {
        w.f(f);
    }
    w.u(s.max_queue_len);
    w.f(s.utilization);
    let l = &v.latency;
    let c = &v.little;
    let m = &v.measured;
    for f in [
        l.mean_ms,
        l.p50_ms,
        l.p95_ms,
        l.p99_ms,
        c.l,
        c.lambda_per_s,
        c.w_ms,
        c.lambda_w,
        c.relative_error,
        m.p_block,
        m.p_wait,
        m.utilization,
        m.wq_ms,
        m.lq,
        m.w_ms,
        m.l,
        v.series.bucket_ms,
    ] {
        w.f(f);
    }
    let series = &v.series;
    put_fs(w, &series.arrivals_per_s);
    put_fs(w, &series.served_per_s);
    put_fs(w, &series.turned_away_per_s);
    put_fs(w, &series.mean_queue_len);
    w.u(series.max_queue_len.len() as u64);
    for &n in &series.max_queue_len {
        w.u(n);
    }
    match &v.theory {
        None => w.u(0),
        Some(t) => {
            w.u(1);
            put_text(w, &t.model);
            w.f(t.lambda_per_s);
            w.f(t.mu_per_s);
            w.u(t.servers.into());
            match t.queue_slots {
                None => w.u(0),
                Some(n) => {
                    w.u(1);
                    w.u(n);
                }
            }
            w.f(t.rho);
            w.b(t.grows_without_bound);
            for f in [
                t.p_block,
                t.p_wait,
                t.utilization,
                t.wq_ms,
                t.lq,
                t.w_ms,
                t.l,
            ] {
                put_option_f(w, f);
            }
        }
    }
}

fn take_variant(r: &mut Reader) -> VariantReport {
    VariantReport {
        variant: take_of(r, Variant::VARIANTS),
        outcome: take_of(r, &OUTCOMES),
        end_time_ms: r.f(),
        arrivals: r.u(),
        served: r.u(),
        rejected: r.u(),
        dropped: r.u(),
        in_queue: r.u(),
        in_service: r.u(),
        conserved: r.b(),
        arrival_digest: take_text(r),
        stats: StatsReport {
            throughput_per_s: r.f(),
            mean_wait_ms: r.f(),
            p50_wait_ms: r.f(),
            p95_wait_ms: r.f(),
            p99_wait_ms: r.f(),
            mean_queue_len: r.f(),
            max_queue_len: r.u(),
            utilization: r.f(),
        },
        latency: LatencyReport {
            mean_ms: r.f(),
            p50_ms: r.f(),
            p95_ms: r.f(),
            p99_ms: r.f(),
        },
        little: LittleCheck {
            l: r.f(),
            lambda_per_s: r.f(),
            w_ms: r.f(),
            lambda_w: r.f(),
            relative_error: r.f(),
        },
        measured: Measured {
            p_block: r.f(),
            p_wait: r.f(),
            utilization: r.f(),
            wq_ms: r.f(),
            lq: r.f(),
            w_ms: r.f(),
            l: r.f(),
        },
        series: SeriesReport {
            bucket_ms: r.f(),
            arrivals_per_s: take_fs(r),
            served_per_s: take_fs(r),
            turned_away_per_s: take_fs(r),
            mean_queue_len: take_fs(r),
            max_queue_len: r.list(|r| r.u()),
        },
        theory: r.b().then(|| TheoryReport {
            model: take_text(r),
            lambda_per_s: r.f(),
            mu_per_s: r.f(),
            servers: r.u32(),
            queue_slots: r.b().then(|| r.u()),
            rho: r.f(),
            grows_without_bound: r.b(),
            p_block: take_option_f(r),
            p_wait: take_option_f(r),
            utilization: take_option_f(r),
            wq_ms: take_option_f(r),
            lq: take_option_f(r),
            w_ms: take_option_f(r),
            l: take_option_f(r),
        }),
    }
}

fn put_peak(w: &mut Writer, p: &PeakReport) {
    w.u(p.seed);
    let s = &p.settings;
    w.f(s.base_rate_per_s);
    w.u(s.bursts.len() as u64);
    for b in &s.bursts {
        w.f(b.start_ms);
        w.f(b.length_ms);
        w.f(b.rate_per_s);
    }
    w.f(s.duration_ms);
    w.u(s.workers.into());
    put_text(w, &s.service_delay);
    w.u(s.capacity as u64);
    w.b(s.overload);
    let l = &p.load;
    for f in [
        l.service_capacity_per_s,
        l.expected_arrivals,
        l.base_rho,
        l.peak_rho,
    ] {
        w.f(f);
    }
    put_variant(w, &p.direct);
    put_variant(w, &p.queued);
}

fn take_peak(r: &mut Reader) -> PeakReport {
    PeakReport {
        scenario: crate::peak::NAME,
        seed: r.u(),
        settings: PeakSettings {
            base_rate_per_s: r.f(),
            bursts: r.list(|r| BurstReport {
                start_ms: r.f(),
                length_ms: r.f(),
                rate_per_s: r.f(),
            }),
            duration_ms: r.f(),
            workers: r.u32(),
            service_delay: take_text(r),
            capacity: usize::try_from(r.u()).unwrap_or_else(|_| r.fail(0)),
            overload: r.b(),
        },
        load: Load {
            service_capacity_per_s: r.f(),
            expected_arrivals: r.f(),
            base_rho: r.f(),
            peak_rho: r.f(),
        },
        direct: take_variant(r),
        queued: take_variant(r),
    }
}

/// A language, by its place in [`LANGS`].
fn take_lang(r: &mut Reader) -> Lang {
    take_of(r, &LANGS)
}

fn put_lang(w: &mut Writer, lang: Lang) {
    put_of(w, &LANGS, &lang);
}

fn put_given(w: &mut Writer, g: &Given) {
    put_lang(w, g.lang);
    match &g.config {
        None => w.u(0),
        Some(config) => {
            w.u(1);
            put_config(w, config);
        }
    }
    for list in [&g.titles, &g.choices] {
        w.u(list.len() as u64);
        for text in list {
            put_text(w, text);
        }
    }
    for text in [&g.intro, &g.question, &g.why] {
        put_text(w, text);
    }
    match g.answer {
        Answer::Choice(i) => {
            w.u(0);
            w.u(i as u64);
        }
        Answer::Number(n) => {
            w.u(1);
            w.u(n);
        }
    }
    w.u(g.deciding);
}

/// A lesson as [`put_given`] wrote it; `None` when its config does not read.
fn take_given(r: &mut Reader) -> Option<Given> {
    let lang = take_lang(r);
    let config = match r.b() {
        true => Some(take_config(r)?),
        false => None,
    };
    let titles = r.list(take_text);
    let choices = r.list(take_text);
    Some(Given {
        lang,
        config,
        titles,
        choices,
        intro: take_text(r),
        question: take_text(r),
        why: take_text(r),
        answer: if r.b() {
            Answer::Number(r.u())
        } else {
            Answer::Choice(r.u32() as usize)
        },
        deciding: r.u(),
    })
}

// ---- the messages ------------------------------------------------------------------------------

/// The bytes of a command.
pub fn command_bytes(command: &Command) -> Vec<u8> {
    command_bytes_after(command, None)
}

/// The bytes of a command to an engine that was last told of config
/// `told` (by the latest [`Command::Go`] it read): a move of that same
/// config leaves it out, so a run that plays sends and parses its settings
/// once, not on every frame. Read with [`read_command_after`] and the
/// same `told`.
pub fn command_bytes_after(command: &Command, told: Option<&Config>) -> Vec<u8> {
    let mut w = Writer::default();
    match command {
        Command::Go {
            id,
            config,
            to,
            chart,
        } => {
            if told.is_some_and(|t| std::ptr::eq(t, &**config) || *t == **config) {
                w.u(4);
                w.u(*id);
            } else {
                w.u(0);
                w.u(*id);
                put_config(&mut w, config);
            }
            put_position(&mut w, *to);
            w.b(*chart);
        }
        Command::Cancel { id } => {
            w.u(1);
            w.u(*id);
        }
        Command::Lab { id, config } => {
            w.u(2);
            w.u(*id);
            put_config(&mut w, config);
        }
        Command::Peak { id, config } => {
            w.u(3);
            w.u(*id);
            put_peak_config(&mut w, config);
        }
        Command::Export {
            id,
            config,
            to,
            what,
            lang,
        } => {
            w.u(5);
            w.u(*id);
            put_config(&mut w, config);
            put_position(&mut w, *to);
            put_of(&mut w, &Download::ALL, what);
            put_lang(&mut w, *lang);
        }
        Command::Python { id, config, lang } => {
            w.u(6);
            w.u(*id);
            put_config(&mut w, config);
            put_lang(&mut w, *lang);
        }
        Command::Lesson {
            id,
            lesson,
            seed,
            lang,
        } => {
            w.u(7);
            w.u(*id);
            w.u(lesson.number() as u64);
            w.u(*seed);
            put_lang(&mut w, *lang);
        }
        Command::Live { id, config, lines } => {
            w.u(8);
            w.u(*id);
            put_config(&mut w, config);
            put_text(&mut w, lines);
        }
    }
    w.0
}

const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

/// A config as its link and its time limit.
fn put_config(w: &mut Writer, config: &Config) {
    let link = link::to_fragment(config, 1.0, Lang::En);
    put_text(w, &link);
    // The time limit is no setting of the page's, so not in links.
    match config.until {
        None => w.u(0),
        Some(until) => {
            w.u(1);
            put_duration(w, until);
        }
    }
}

/// A config as [`put_config`] wrote it; `None` when its link does not read.
fn take_config(r: &mut Reader) -> Option<Config> {
    let text = take_text(r);
    let mut config = link::parse(&text).ok()??.config;
    if r.b() {
        config.until = Some(take_duration(r));
    }
    Some(config)
}

/// A command read from its bytes.
pub fn read_command(bytes: &[u8]) -> Option<Command> {
    read_command_after(bytes, None)
}

/// A command read from the bytes [`command_bytes_after`] wrote with the
/// same `told`; a move that leaves its config out reads as `None` when
/// nothing was told.
pub fn read_command_after(bytes: &[u8], told: Option<&Rc<Config>>) -> Option<Command> {
    let mut r = Reader {
        bytes,
        at: 0,
        bad: false,
    };
    let command = match r.u() {
        0 => {
            let id = r.u();
            let config = take_config(&mut r)?;
            Command::Go {
                id,
                config: Rc::new(config),
                to: take_position(&mut r),
                chart: r.b(),
            }
        }
        4 => Command::Go {
            id: r.u(),
            config: Rc::clone(told?),
            to: take_position(&mut r),
            chart: r.b(),
        },
        1 => Command::Cancel { id: r.u() },
        2 => {
            let id = r.u();
            let config = take_config(&mut r)?;
            Command::Lab {
                id,
                config: Rc::new(config),
            }
        }
        3 => {
            let id = r.u();
            let config = take_peak_config(&mut r)?;
            Command::Peak {
                id,
                config: Rc::new(config),
            }
        }
        5 => {
            let id = r.u();
            let config = take_config(&mut r)?;
            Command::Export {
                id,
                config: Rc::new(config),
                to: take_position(&mut r),
                what: take_of(&mut r, &Download::ALL),
                lang: take_lang(&mut r),
            }
        }
        6 => {
            let id = r.u();
            let config = take_config(&mut r)?;
            Command::Python {
                id,
                config: Rc::new(config),
                lang: take_lang(&mut r),
            }
        }
        7 => Command::Lesson {
            id: r.u(),
            lesson: LessonId::nth(r.u32() as usize)?,
            seed: r.u(),
            lang: take_lang(&mut r),
        },
        8 => {
            let id = r.u();
            let config = take_config(&mut r)?;
            Command::Live {
                id,
                config: Rc::new(config),
                lines: take_text(&mut r).into(),
            }
        }
        _ => return None,
    };
    (!r.bad && r.at == bytes.len()).then_some(command)
}

/// The bytes of a reply.
pub fn reply_bytes(reply: &Reply) -> Vec<u8> {
    let mut w = Writer::default();
    match reply {
        Reply::Progress(id, p) => {
            w.u(0);
            w.u(*id);
            w.u(p.now);
            w.u(p.events);
            w.u(p.consumed);
            w.f(p.elapsed_ms);
        }
        Reply::Lab(id, outcomes) => {
            w.u(2);
            w.u(*id);
            match outcomes {
                None => w.u(0),
                Some(o) => {
                    w.u(1);
                    put_outcomes(&mut w, o);
                }
            }
        }
        Reply::Peak(id, report) => {
            w.u(3);
            w.u(*id);
            put_peak(&mut w, report);
        }
        Reply::Export(id, file) => {
            w.u(4);
            w.u(*id);
            put_of(&mut w, &Download::ALL, &file.what);
            put_text(&mut w, &file.name);
            put_text(&mut w, &file.text);
        }
        Reply::Python(id, text) => {
            w.u(5);
            w.u(*id);
            put_text(&mut w, text);
        }
        Reply::Lesson(id, given) => {
            w.u(6);
            w.u(*id);
            put_given(&mut w, given);
        }

        Reply::Snapshot(s) => {
            w.u(1);
            w.u(s.id);
            put_position(&mut w, s.position);
            put_moment(&mut w, &s.moment);
            match &s.chart {
                None => w.u(0),
                Some(chart) => {
                    w.u(1);
                    put_chart(&mut w, chart);
                }
            }
        }
    }
    w.0
}

/// A reply read from its bytes.
pub fn read_reply(bytes: &[u8]) -> Option<Reply> {
    let mut r = Reader {
        bytes,
        at: 0,
        bad: false,
    };
    let reply = match r.u() {
        0 => Reply::Progress(
            r.u(),
            Progress {
                now: r.u(),
                events: r.u(),
                consumed: r.u(),
                elapsed_ms: r.f(),
            },
        ),
        1 => Reply::Snapshot(Box::new(Snapshot {
            id: r.u(),
            position: take_position(&mut r),
            moment: take_moment(&mut r),
            chart: r.b().then(|| take_chart(&mut r)),
        })),
        2 => Reply::Lab(r.u(), r.b().then(|| Rc::new(take_outcomes(&mut r)))),
        3 => Reply::Peak(r.u(), Rc::new(take_peak(&mut r))),
        4 => Reply::Export(
            r.u(),
            Rc::new(File {
                what: take_of(&mut r, &Download::ALL),
                name: take_text(&mut r),
                text: take_text(&mut r),
            }),
        ),
        5 => Reply::Python(r.u(), take_text(&mut r).into()),
        6 => Reply::Lesson(r.u(), Rc::new(take_given(&mut r)?)),
        _ => return None,
    };
    (!r.bad && r.at == bytes.len()).then_some(reply)
}
